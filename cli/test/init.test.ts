/**
 * `stint init`: a new folder gets a trigger.config.ts and an example task; an existing project is told what exists,
 * nothing is overwritten, and a project that has tasks gets no example unless `--example` asks for one.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const exec = promisify(execFile);
const init = async (cwd: string, args: string[] = []) =>
  (await exec(process.execPath, [CLI, "init", ...args], { cwd })).stdout;
const folder = (name: string) => {
  const dir = join(mkdtempSync(join(tmpdir(), "stint-init-")), name);
  mkdirSync(dir);
  return dir;
};

describe("stint init", () => {
  it("writes a config named after the folder and an example task in a new project", async () => {
    const dir = folder("my-app");
    const out = await init(dir);
    expect(out).toContain("Created trigger.config.ts, src/trigger/example.ts");
    expect(readFileSync(join(dir, "trigger.config.ts"), "utf8")).toContain('project: "proj_myapp"');
    expect(readFileSync(join(dir, "src/trigger/example.ts"), "utf8")).toContain('id: "hello-world"');
    // Stint's checkpointThreshold for TypeScript that resolves the real @trigger.dev/sdk (see checkpoint-threshold-types).
    expect(out).toContain("stint-env.d.ts");
    expect(readFileSync(join(dir, "stint-env.d.ts"), "utf8")).toContain('declare module "@trigger.dev/sdk"');
  });

  it("in a project with tasks: says what exists, adds no example, changes nothing", async () => {
    const dir = folder("existing");
    const config = `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_existing", dirs: ["./jobs"], maxDuration: 60 });\n`;
    writeFileSync(join(dir, "trigger.config.ts"), config);
    mkdirSync(join(dir, "jobs"));
    writeFileSync(
      join(dir, "jobs/invoice.ts"),
      `import { task } from "@trigger.dev/sdk";\nexport const invoice = task({ id: "invoice", run: async () => "ok" });\n`,
    );
    const out = await init(dir);
    expect(out).toContain("trigger.config.ts exists (project proj_existing): left as it is.");
    expect(out).toContain("Found task files (jobs/invoice.ts): no example added (`stint init --example` adds one).");
    expect(out).toContain("Nothing to create.");
    expect(readFileSync(join(dir, "trigger.config.ts"), "utf8")).toBe(config);
    expect(readdirSync(join(dir, "jobs"))).toEqual(["invoice.ts"]);
    expect(existsSync(join(dir, "src"))).toBe(false);

    // --example: the example goes next to the project's tasks, in the config's dirs.
    expect(await init(dir, ["--example"])).toContain("Created jobs/example.ts");
    expect(readdirSync(join(dir, "jobs")).sort()).toEqual(["example.ts", "invoice.ts"]);
  });

  it("with a config but no tasks yet: keeps the config and adds the example", async () => {
    const dir = folder("config-only");
    writeFileSync(
      join(dir, "trigger.config.ts"),
      `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_kept", maxDuration: 60 });\n`,
    );
    const out = await init(dir);
    expect(out).toContain("trigger.config.ts exists (project proj_kept): left as it is.");
    expect(out).toContain("Created src/trigger/example.ts");
  });
});
