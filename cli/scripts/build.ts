/**
 * Builds the publishable `@stint/cli` into dist/ (run by `npm run build`, and by `npm pack` / `pnpm pack`):
 * - dist/stint.js (the bin), dist/index.js (the programmatic face) and dist/runner-main.js (the attempt runner
 *   process): ES modules with the workspace engine (@stint/temporal-workers) and the embedded object store
 *   (@stint/object-store/embedded, where standalone `stint dev` keeps large payloads) bundled in — a tarball cannot resolve
 *   `workspace:*`. Every other import stays a real dependency: @temporalio/* and esbuild have native parts, and
 *   @stint/sdk must be the very module instance that a project's task bundle imports;
 * - dist/engine-workflows.bundle.js, the engine's Temporal workflow bundle, prebuilt (there are no workflow sources to
 *   bundle at run time), and dist/payload-converter.cjs, which Temporal loads by path;
 * - dist/*.d.ts for the programmatic face.
 */
import { build, type Metafile } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleEngineWorkflows,
  PAYLOAD_CONVERTER_PATH,
  PREBUILT_RUNNER_MAIN,
  PREBUILT_WORKFLOW_BUNDLE,
} from "@stint/temporal-workers";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
const BUNDLED = ["@stint/temporal-workers", "@stint/object-store/embedded"];
const require = createRequire(join(root, "package.json"));

rmSync(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    stint: "src/main.ts",
    index: "src/index.ts",
    // The attempt runner, forked per execution by the engine's child-process launcher, which looks for it beside itself.
    [PREBUILT_RUNNER_MAIN.replace(/\.js$/, "")]: join(
      dirname(require.resolve("@stint/temporal-workers")),
      "executor/runner-main.ts",
    ),
  },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
  plugins: [
    {
      name: "bundle-workspace-packages",
      setup(b) {
        b.onResolve({ filter: new RegExp(`^(${BUNDLED.join("|")})$`) }, (args) => ({
          path: require.resolve(args.path),
        }));
      },
    },
  ],
});

// Each import left outside the bundle must be a declared dependency, or the installed CLI cannot load it.
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const packageOf = (spec: string) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");
const undeclared = new Set<string>();
for (const output of Object.values((result.metafile as Metafile).outputs)) {
  for (const imported of output.imports) {
    if (imported.external && !builtins.has(imported.path) && !(packageOf(imported.path) in pkg.dependencies))
      undeclared.add(imported.path);
  }
}
if (undeclared.size)
  throw new Error(`dist imports packages that are not in @stint/cli's dependencies: ${[...undeclared].join(", ")}`);

const bin = join(dist, "stint.js");
writeFileSync(bin, `#!/usr/bin/env node\n${readFileSync(bin, "utf8")}`);
chmodSync(bin, 0o755);
copyFileSync(PAYLOAD_CONVERTER_PATH, join(dist, "payload-converter.cjs"));
writeFileSync(join(dist, PREBUILT_WORKFLOW_BUNDLE), (await bundleEngineWorkflows()).code);
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
keepOnlyPublicDeclarations();
console.log(`built ${dist}`);

/**
 * tsc writes a .d.ts for every source file; ship only those index.d.ts reaches (the others describe internals that
 * import the bundled engine's types), and check that those import nothing but declared dependencies.
 */
function keepOnlyPublicDeclarations(): void {
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/from "([^"]+)"/g)) {
      if (spec!.startsWith(".")) visit(resolve(dirname(file), spec!.replace(/\.js$/, ".d.ts")));
      else if (!builtins.has(spec!) && !(packageOf(spec!) in pkg.dependencies))
        throw new Error(`${file} imports ${spec}, not a dependency of @stint/cli`);
    }
  };
  visit(join(dist, "index.d.ts"));
  for (const entry of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
    const file = join(dist, entry);
    if (file.endsWith(".d.ts") && !reached.has(file)) rmSync(file);
  }
}
