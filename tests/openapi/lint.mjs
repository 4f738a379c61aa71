// Lints an OpenAPI description with Redocly's linter (@redocly/openapi-core,
// the engine of `redocly lint`), under a redocly.yaml; exit 1 on any error
// or warning. Run by lint.py (lint.openapi).
//
//   node lint.mjs TOOLS_DIR SPEC CONFIG
import { createRequire } from "node:module";
import path from "node:path";

const [tools, spec, configPath] = process.argv.slice(2);
const require = createRequire(path.join(tools, "package.json"));
const { lint, loadConfig, formatProblems, getTotals } = require("@redocly/openapi-core");

const config = await loadConfig({ configPath });
const problems = await lint({ ref: spec, config });
const totals = getTotals(problems);
formatProblems(problems, { format: "stylish", totals, version: "openapi-core" });
console.log(`${spec}: ${totals.errors} errors, ${totals.warnings} warnings`);
process.exit(totals.errors + totals.warnings > 0 ? 1 : 0);
