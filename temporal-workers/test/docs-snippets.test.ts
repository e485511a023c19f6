/**
 * What the docs show is what the tests run: every TypeScript block in README.md and docs/*.md is a region of a file
 * in docs/examples/ (scripts/docs-snippets.mjs; `node scripts/docs-snippets.mjs` rewrites the blocks after an edit).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const check = (root: string) =>
  spawnSync(process.execPath, [join(root, "scripts/docs-snippets.mjs"), "--check"], { encoding: "utf8" });

/** A copy of the script, the README and the docs, to break on purpose. */
function copyDocs(): string {
  const root = mkdtempSync(join(tmpdir(), "stint-docs-snippets-"));
  for (const path of ["scripts/docs-snippets.mjs", "README.md", "docs"])
    cpSync(join(repo, path), join(root, path), { recursive: true });
  return root;
}

describe("docs snippets", () => {
  it("every TypeScript block of the README and docs is its example region, as it is now", () => {
    const result = check(repo);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("an example edited without its doc, or a block with no example, fails the check", () => {
    const root = copyDocs();
    const example = join(root, "docs/examples/welcome-email.ts");
    writeFileSync(example, readFileSync(example, "utf8").replace("days: 3", "days: 4"));
    const readme = join(root, "README.md");
    writeFileSync(readme, `${readFileSync(readme, "utf8")}\n\`\`\`ts\nconst unchecked = 1;\n\`\`\`\n`);
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/README\.md:\d+: differs from docs\/examples\/welcome-email\.ts#welcome/);
    expect(result.stderr).toMatch(/README\.md:\d+: a TypeScript block with no <!-- example/);
  });
});
