/**
 * How `stint dev` and `stint deploy` build a project into a bundle version: the config is an entry of the same build
 * as the task files, so a runner process compiles one copy of the SDK they share, and the inline source maps carry
 * mappings without the sources' text (smaller to parse at every runner start) yet still name the .ts line of an error.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { BundleStore, type RunnerBundle } from "@stint/temporal-workers";
import { buildProject } from "../src/project/build-project.js";
import { loadConfig } from "../src/project/load-config.js";

let projectDir: string;
let bundle: RunnerBundle;
let versionDir: string;

function write(file: string, text: string): void {
  mkdirSync(join(projectDir, file, ".."), { recursive: true });
  writeFileSync(join(projectDir, file), text);
}

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".mjs"));
}

beforeAll(async () => {
  projectDir = mkdtempSync(join(tmpdir(), "stint-project-build-"));
  write(
    "trigger.config.ts",
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_build", maxDuration: 60, processKeepAlive: true });\n`,
  );
  write(
    "src/trigger/first.ts",
    `import { task } from "@trigger.dev/sdk";\nexport const first = task({ id: "first", run: async () => 1 });\n`,
  );
  write(
    "src/trigger/second.ts",
    `import { schemaTask } from "@trigger.dev/sdk";\nexport const second = schemaTask({ id: "second", schema: (value: unknown) => value as number, run: async (n) => n });\n`,
  );
  write("src/fails-on-import.ts", `\n\nthrow new Error("thrown while loading");\n`);
  const loaded = await loadConfig(projectDir, join(projectDir, ".stint", "config"));
  const store = new BundleStore(join(projectDir, ".stint", "build"));
  bundle = (await buildProject(projectDir, loaded.config, loaded.file, store)).bundle;
  versionDir = store.dir(bundle.version);
}, 60_000);

describe("a project's build", () => {
  it("holds the config as its own entry, apart from the task files", () => {
    expect(bundle.configFile).toBe(join(versionDir, "trigger.config.mjs"));
    expect(bundle.entries.map((entry) => entry.source).sort()).toEqual([
      "src/trigger/first.ts",
      "src/trigger/second.ts",
    ]);
  });

  it("has one copy of the SDK, which the config and every task file import", () => {
    const files = builtFiles(versionDir);
    // The SDK's schemaTask() implementation: defined in exactly one file of the version.
    const defining = files.filter((file) =>
      /^function createSchemaTask\(/m.test(readFileSync(join(versionDir, file), "utf8")),
    );
    expect(defining).toHaveLength(1);
    const shared = defining[0]!;
    for (const entry of [bundle.configFile!, ...bundle.entries.map((e) => e.file)]) {
      const text = readFileSync(entry, "utf8");
      expect(text).toContain(relative(join(entry, ".."), join(versionDir, shared)).replace(/^(?!\.)/, "./"));
      expect(text.length).toBeLessThan(4_000);
    }
  });

  it("maps every file to its sources without carrying their text", () => {
    const mapOf = (file: string) => {
      const inline = /sourceMappingURL=data:application\/json;base64,(\S+)/.exec(readFileSync(file, "utf8"));
      return inline
        ? (JSON.parse(Buffer.from(inline[1]!, "base64").toString("utf8")) as {
            sources: string[];
            sourcesContent?: unknown;
          })
        : undefined;
    };
    for (const file of builtFiles(versionDir)) expect(mapOf(join(versionDir, file))?.sourcesContent).toBeUndefined();
    for (const entry of bundle.entries)
      expect(mapOf(entry.file)?.sources.some((source) => source.endsWith(entry.source))).toBe(true);
  });

  it("still names the .ts file and line of an error in a runner's stack (node --enable-source-maps)", async () => {
    write("src/trigger/loads-badly.ts", `import "../fails-on-import.js";\nexport const x = 1;\n`);
    const loaded = await loadConfig(projectDir, join(projectDir, ".stint", "config"));
    const store = new BundleStore(join(projectDir, ".stint", "build"));
    const built = (await buildProject(projectDir, loaded.config, loaded.file, store)).bundle;
    const entry = built.entries.find((e) => e.source === "src/trigger/loads-badly.ts")!;
    const result = await promisify(execFile)(
      process.execPath,
      ["--enable-source-maps", "--input-type=module", "-e", `import(${JSON.stringify(entry.file)})`],
      { encoding: "utf8" },
    ).catch((error: { stderr: string }) => error);
    expect(result.stderr).toMatch(/thrown while loading/);
    expect(result.stderr).toMatch(/src\/fails-on-import\.ts:3:\d+/);
  });
});
