/**
 * Source compatibility with @trigger.dev/sdk v4: a realistic Trigger.dev project (test/fixtures/trigger-project)
 * type-checks both against the real @trigger.dev/sdk package (proving the fixture is genuine Trigger code) and
 * against Stint's SDK in its place. Its `@ts-expect-error` lines make sure misuse is still rejected.
 */
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, "fixtures/trigger-project");
const sdkSrc = join(here, "../src");

function typeErrors(paths?: Record<string, string[]>): string[] {
  const { config } = ts.readConfigFile(join(fixture, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, fixture);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    types: ["node"],
    ...(paths ? { baseUrl: fixture, paths } : {}),
  };
  const program = ts.createProgram(parsed.fileNames, options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${relative(fixture, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : "";
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("type compatibility with @trigger.dev/sdk v4", () => {
  it("the fixture is genuine Trigger.dev code: it compiles against the real @trigger.dev/sdk", {
    timeout: 600_000,
  }, () => {
    expect(typeErrors()).toEqual([]);
  });

  it("the same code compiles against @stint/sdk in place of @trigger.dev/sdk", { timeout: 600_000 }, () => {
    expect(
      typeErrors({
        "@trigger.dev/sdk": [join(sdkSrc, "index.ts")],
        "@trigger.dev/sdk/v3": [join(sdkSrc, "v3.ts")],
      }),
    ).toEqual([]);
  });
});
