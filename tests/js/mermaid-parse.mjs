// Parses Mermaid texts with the real Mermaid parser (mermaid.parse under jsdom): reads a JSON list of texts on
// stdin, prints a JSON list of {ok, type} or {ok: false, error}. Used by tests/test_sequence.py.
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
const texts = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const t of texts) { try { const r = await mermaid.parse(t); out.push({ok: true, type: r.diagramType}); } catch (e) { out.push({ok: false, error: String(e.message).slice(0, 300)}); } }
console.log(JSON.stringify(out));
