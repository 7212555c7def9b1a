// Lints BPMN files with bpmnlint, as Camunda Modeler does for Camunda 8.6: `bpmnlint:recommended` plus
// `plugin:camunda-compat/camunda-cloud-8-6`, the Zeebe extensions loaded into the moddle (the plain CLI does not).
// Usage: node tests/js/bpmnlint.mjs FILE...; prints one JSON object: {file: {"errors": [...], "warnings": [...]}}.
// Why one Linter per file: rules may keep state between runs.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { BpmnModdle } = await import('bpmn-moddle');
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

const config = {
  extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-6'],
};

const out = {};
for (const file of process.argv.slice(2)) {
  const xml = await readFile(file, 'utf8');
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  const linter = new Linter({ config, resolver: new NodeResolver() });
  const reports = await linter.lint(rootElement);
  const errors = [];
  const lintWarnings = warnings.map((w) => ({ rule: 'import', message: w.message }));
  for (const [rule, items] of Object.entries(reports)) {
    for (const item of items) {
      const entry = { rule, id: item.id, message: item.message, category: item.category };
      (item.category === 'error' ? errors : lintWarnings).push(entry);
    }
  }
  out[file] = { errors, warnings: lintWarnings };
}
process.stdout.write(JSON.stringify(out));
