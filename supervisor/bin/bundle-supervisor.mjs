/**
 * The supervisor as plain JavaScript, bundled from its TypeScript sources by esbuild when it starts (cached by
 * content under supervisor/dist/): no TypeScript compiler stays in the process, which keeps a worker server's idle
 * memory low. Beside it: the attempt runner (one self-contained file: containers mount it and have nothing else) and
 * the payload converter Temporal loads by path. Packages with native parts (@temporalio/*) and the others the
 * supervisor depends on stay imports, resolved from this package's node_modules.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const engine = dirname(require.resolve("@stint/temporal-workers"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** The path of the bundled supervisor module (main.js), built now unless this content was built before. */
export function bundledSupervisor() {
  const common = {
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    logLevel: "warning",
    absWorkingDir: root,
  };
  const supervisor = buildSync({
    ...common,
    entryPoints: [join(root, "src/main.ts")],
    outfile: "main.js",
    // This package's dependencies stay imports; workspace packages (TypeScript sources) are bundled in.
    external: Object.keys(pkg.dependencies)
      .filter((name) => !name.startsWith("@stint/"))
      .flatMap((name) => [name, `${name}/*`]),
  }).outputFiles[0].contents;
  const runner = buildSync({
    ...common,
    entryPoints: [join(engine, "executor/runner-main.ts")],
    outfile: "runner-main.js",
    // Dependencies written as CommonJS call require().
    banner: {
      js: "import { createRequire as __stintRequire } from 'node:module'; const require = __stintRequire(import.meta.url);",
    },
  }).outputFiles[0].contents;
  const hash = createHash("sha256").update(supervisor).update(runner).digest("hex").slice(0, 16);
  const dir = join(root, "dist", hash);
  if (!existsSync(join(dir, "main.js"))) {
    // Written aside and renamed: a supervisor starting at the same time never sees half a folder.
    const partial = `${dir}.${process.pid}.tmp`;
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, "main.js"), supervisor);
    writeFileSync(join(partial, "runner-main.js"), runner);
    copyFileSync(join(engine, "shared/payload-converter.cjs"), join(partial, "payload-converter.cjs"));
    try {
      renameSync(partial, dir);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another start won the race
    }
  }
  return join(dir, "main.js");
}
