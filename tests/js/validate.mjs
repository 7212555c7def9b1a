// Validates exported documents with each ecosystem's own tool, for the Python tests (tests/validators.py).
//
//   node tests/js/validate.mjs KIND [FILE...]     KIND: asyncapi | asl | mermaid; no FILE: one document on stdin
//
// Prints one JSON line: [{"file": ..., "valid": bool, "errors": [...], "warnings": [...]}, ...] in the order given,
// and exits 0; exit 2 when the harness itself cannot run (unknown kind, a validator missing). Why one process for
// many files: starting Node and loading a validator costs about a second; the tests validate dozens of documents.
import { readFileSync } from "node:fs";

const [kind, ...files] = process.argv.slice(2);

async function asyncapiValidator() {
  const { Parser } = await import("@asyncapi/parser");
  const parser = new Parser();
  return async (text) => {
    const { document, diagnostics } = await parser.parse(text);
    const say = (d) => `${d.code}: ${d.message} at ${JSON.stringify(d.path)}`;
    const errors = diagnostics.filter((d) => d.severity === 0).map(say);
    if (!document && errors.length === 0) errors.push("the parser returned no document");
    return { errors, warnings: diagnostics.filter((d) => d.severity === 1).map(say) };
  };
}

async function aslValidator() {
  const { default: validate } = await import("asl-validator");
  return async (text) => {
    let definition;
    try {
      definition = JSON.parse(text);
    } catch (e) {
      return { errors: [`not JSON: ${e.message}`], warnings: [] };
    }
    const { isValid, errors } = validate(definition);
    const messages = (errors || []).map((e) => `${e["Error code"]}: ${e.Message}`);
    if (!isValid && messages.length === 0) messages.push("invalid (no message)");
    return { errors: isValid ? [] : messages, warnings: [] };
  };
}

async function mermaidValidator() {
  // Why a DOM: mermaid (and the DOMPurify it uses) needs window and document even only to parse.
  const { JSDOM } = await import("jsdom");
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false });
  return async (text) => {
    try {
      const result = await mermaid.parse(text);
      return result ? { errors: [], warnings: [] } : { errors: ["mermaid.parse returned false"], warnings: [] };
    } catch (e) {
      return { errors: [String(e && e.message ? e.message : e).slice(0, 2000)], warnings: [] };
    }
  };
}

const validators = { asyncapi: asyncapiValidator, asl: aslValidator, mermaid: mermaidValidator };
if (!validators[kind]) {
  console.error(`usage: node validate.mjs ${Object.keys(validators).join("|")} [FILE...]`);
  process.exit(2);
}
let check;
try {
  check = await validators[kind]();
} catch (e) {
  console.error(`cannot load the ${kind} validator: ${e.message}`);
  process.exit(2);
}
const inputs = files.length ? files.map((f) => [f, readFileSync(f, "utf8")]) : [["-", readFileSync(0, "utf8")]];
const results = [];
for (const [file, text] of inputs) {
  let outcome;
  try {
    outcome = await check(text);
  } catch (e) {
    outcome = { errors: [`validator threw: ${e && e.message ? e.message : e}`], warnings: [] };
  }
  results.push({ file, valid: outcome.errors.length === 0, ...outcome });
}
process.stdout.write(JSON.stringify(results) + "\n");
