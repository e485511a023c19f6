#!/usr/bin/env node
/**
 * `node scripts/bundle-entry.mjs <entry.ts> <name> [<entry.ts> <name>…]`: bundles TypeScript entries of this checkout
 * (the webapp's start-platform, the CLI) into dist/<name>.js each, with a source map, and prints their paths. `npm start` runs these
 * instead of the sources through tsx, whose loader thread costs each process ~35 MB of idle memory
 * (docs/performance.md). Rebuilt only when one of the files it was built from changed (or dependencies were
 * reinstalled), so a start usually costs only a stat of each input.
 *
 * Workspace code is bundled; every package from node_modules stays an import, of the file Node would load from the
 * importing source file (an absolute path: the bundle does not live beside the sources). Each source file's
 * `import.meta.url` is its own location, so the paths the code finds relative to itself (the dashboard's files, the
 * workflow sources, the runner) stay right. Prisma's generated client stays a file of its own (it finds its engine
 * files beside itself).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pairs = process.argv.slice(2);
if (pairs.length === 0 || pairs.length % 2 !== 0 || pairs.some((arg, i) => i % 2 === 1 && !/^[a-z0-9-]+$/.test(arg))) {
  console.error("usage: node scripts/bundle-entry.mjs <entry.ts> <name (lowercase letters, digits, dashes)> [...]");
  process.exit(2);
}
for (let i = 0; i < pairs.length; i += 2) console.log(await bundle(resolve(REPO, pairs[i]), pairs[i + 1]));

/** dist/<name>.js, built now unless it is up to date. */
async function bundle(entry, name) {
  const outfile = join(REPO, "dist", `${name}.js`);
  const inputsFile = `${outfile}.inputs.json`;
  if (upToDate(entry, outfile, inputsFile)) return outfile;
  // esbuild is a dependency of the CLI (which bundles projects with it), so it is installed in every checkout.
  const { build, transform } = createRequire(join(REPO, "cli/package.json"))("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    outfile,
    sourcemap: "linked",
    // The sources are on disk: the map points at them instead of carrying them (a smaller map to hold in memory).
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
    absWorkingDir: REPO,
    plugins: [externalDependencies(), ownImportMetaUrl(transform)],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => resolve(REPO, input))
    .filter((file) => existsSync(file));
  mkdirSync(dirname(outfile), { recursive: true });
  // Written aside and renamed: a start running at the same time never reads half a file.
  const suffix = `.${process.pid}.tmp`;
  for (const file of result.outputFiles) writeFileSync(file.path + suffix, file.contents);
  writeFileSync(inputsFile + suffix, JSON.stringify({ entry, inputs }));
  for (const file of result.outputFiles) renameSync(file.path + suffix, file.path);
  renameSync(inputsFile + suffix, inputsFile);
  return outfile;
}

/** Files whose change means the bundle must be made again: its inputs, this script, the installed dependencies. */
function upToDate(entry, outfile, inputsFile) {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  const builtAt = statSync(outfile).mtimeMs;
  const { entry: builtEntry, inputs } = JSON.parse(readFileSync(inputsFile, "utf8"));
  if (builtEntry !== entry) return false;
  const watched = [fileURLToPath(import.meta.url), join(REPO, "node_modules/.modules.yaml"), ...inputs];
  return watched.every((file) => existsSync(file) && statSync(file).mtimeMs <= builtAt);
}

/** Imports of packages in node_modules (and Prisma's generated client) stay imports, by absolute path. */
function externalDependencies() {
  return {
    name: "external-dependencies",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.resolving || args.kind === "entry-point") return undefined;
        const workspace = args.path.startsWith("@stint/");
        const relativePath = args.path.startsWith(".") || args.path.startsWith("/");
        if (workspace || (relativePath && !/generated\/prisma/.test(args.path))) return undefined;
        if (args.path.startsWith("node:") || isBuiltin(args.path)) return { path: args.path, external: true };
        const found = await b.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        if (found.errors.length > 0) return { errors: found.errors };
        return { path: pathToFileURL(found.path).href, external: true };
      });
    },
  };
}

/** Each bundled source file keeps its own import.meta.url (the bundle's would point into dist/). */
function ownImportMetaUrl(transform) {
  return {
    name: "own-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.(ts|mts|tsx|js|mjs)$/ }, async (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = readFileSync(args.path, "utf8");
        const loader = /\.tsx$/.test(args.path) ? "tsx" : /\.m?ts$/.test(args.path) ? "ts" : "js";
        if (!source.includes("import.meta.url")) return { contents: source, loader };
        // Replaced in the syntax tree (not in strings); the inline map keeps the bundle's map pointing at the source.
        const { code } = await transform(source, {
          loader,
          format: "esm",
          target: "node20",
          sourcemap: "inline",
          sourcefile: args.path,
          define: { "import.meta.url": JSON.stringify(pathToFileURL(args.path).href) },
        });
        return { contents: code, loader: "js" };
      });
    },
  };
}
