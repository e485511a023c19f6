/**
 * `checkpointThreshold` type-checks against the real @trigger.dev/sdk types too: a project that resolves
 * `@trigger.dev/sdk` to the real package and includes Stint's declarations (sdk/trigger-dev-types.d.ts, which
 * `stint init` writes as stint-env.d.ts) can write the option in task(), schemaTask() and defineConfig(), while
 * misuse is still refused. Without them the real types refuse the option; against Stint's SDK none are needed.
 */
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, "fixtures/stint-options-project");
const sdkSrc = join(here, "../src");
const declarations = join(here, "../trigger-dev-types.d.ts");

function typeErrors(options: { declarations: boolean; paths?: Record<string, string[]> }): string[] {
  const { config } = ts.readConfigFile(join(fixture, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, fixture);
  const files = options.declarations ? [...parsed.fileNames, declarations] : parsed.fileNames;
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    ...(options.paths ? { baseUrl: fixture, paths: options.paths, types: ["node"] } : {}),
  };
  return ts.getPreEmitDiagnostics(ts.createProgram(files, compilerOptions)).map((d) => {
    const where = d.file
      ? `${relative(fixture, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("checkpointThreshold with the real @trigger.dev/sdk types", () => {
  it("type-checks with Stint's declarations included, and misuse is still refused", () => {
    expect(typeErrors({ declarations: true })).toEqual([]);
  });

  it("is refused by the real types without them (what the declarations fix)", () => {
    const errors = typeErrors({ declarations: false });
    expect(errors.some((e) => e.startsWith("trigger.config.ts") && e.includes("checkpointThreshold"))).toBe(true);
    expect(errors.some((e) => e.startsWith("src/trigger/reminders.ts") && e.includes("checkpointThreshold"))).toBe(
      true,
    );
  });

  it("needs no declarations against Stint's own SDK", () => {
    expect(
      typeErrors({
        declarations: false,
        paths: { "@trigger.dev/sdk": [join(sdkSrc, "index.ts")], "@trigger.dev/sdk/v3": [join(sdkSrc, "v3.ts")] },
      }),
    ).toEqual([]);
  });
});
