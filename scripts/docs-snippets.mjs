#!/usr/bin/env node
/**
 * TypeScript in the docs is generated from code the tests execute. Every ```ts fence in README.md and docs/*.md sits
 * under a marker naming a region of a file in docs/examples/:
 *
 *   <!-- example: docs/examples/welcome-email.ts#welcome -->
 *   ```ts
 *   …the lines between `// #region welcome` and `// #endregion welcome`, dedented…
 *   ```
 *
 * `node scripts/docs-snippets.mjs` rewrites the fences from their regions; `--check` changes nothing and exits 1 when
 * a fence has no marker, names a missing region, or differs from it (run by temporal-workers/test/docs-snippets).
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MARKER = /^<!-- example: (docs\/examples\/[\w./-]+\.ts)#([\w-]+) -->$/;
const FENCE_OPEN = /^```(ts|typescript)\s*$/;

/**
 * The lines of a named region, without region markers, dedented. A region may come in several segments (the same
 * name opened again further down, e.g. imports and a function's body): they are joined with a blank line.
 */
export function readRegion(file, name) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const segments = [];
  for (let start = 0; ; ) {
    start = lines.findIndex((line, index) => index >= start && line.trim() === `// #region ${name}`);
    if (start < 0) break;
    const end = lines.findIndex((line, index) => index > start && line.trim() === `// #endregion ${name}`);
    if (end < 0) return undefined;
    const body = lines.slice(start + 1, end).filter((line) => !/^\s*\/\/ #(end)?region\b/.test(line));
    const indent = Math.min(...body.filter((line) => line.trim()).map((line) => line.match(/^ */)[0].length));
    segments.push(body.map((line) => line.slice(indent)));
    start = end + 1;
  }
  return segments.length ? segments.flatMap((segment, index) => (index ? ["", ...segment] : segment)) : undefined;
}

/** Each markdown file's fences, checked (and rewritten unless `check`); returns the problems found. */
export function syncSnippets({ check }) {
  const files = [
    "README.md",
    ...readdirSync(join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  const problems = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), "utf8").split("\n");
    const out = [];
    for (let i = 0; i < lines.length; i++) {
      out.push(lines[i]);
      if (!FENCE_OPEN.test(lines[i])) continue;
      const close = lines.findIndex((line, index) => index > i && line.startsWith("```"));
      const marker = lines[i - 1]?.match(MARKER);
      const where = `${file}:${i + 1}`;
      const current = lines.slice(i + 1, close);
      let body = current;
      if (!marker)
        problems.push(
          `${where}: a TypeScript block with no <!-- example: docs/examples/<file>.ts#<region> --> marker above it`,
        );
      else {
        const region = readRegion(marker[1], marker[2]);
        if (!region) problems.push(`${where}: ${marker[1]} has no region "${marker[2]}"`);
        else if (region.join("\n") !== current.join("\n")) {
          problems.push(`${where}: differs from ${marker[1]}#${marker[2]} (run node scripts/docs-snippets.mjs)`);
          body = region;
        }
      }
      out.push(...body, lines[close]);
      i = close;
    }
    if (!check && out.join("\n") !== lines.join("\n")) writeFileSync(join(root, file), out.join("\n"));
  }
  return problems;
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  const check = process.argv.includes("--check");
  const problems = syncSnippets({ check });
  const left = check ? problems : problems.filter((problem) => !problem.includes(" differs from "));
  for (const problem of left) console.error(problem);
  if (left.length) process.exit(1);
  if (!check) console.log(`[docs-snippets] ${problems.length - left.length} block(s) rewritten from docs/examples`);
}
