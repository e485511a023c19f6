/**
 * The engine's workflow code as one bundle (webpack + swc via the Temporal SDK). A packaged build (the `stint` CLI's
 * `dist/`) has no TypeScript sources to bundle: it ships the bundle prebuilt beside this module, and that file wins.
 *
 * From sources, the bundle is made once and kept on disk, keyed by a hash of the engine's sources and the SDK's
 * version, so a restart loads it instead of running webpack again (tens of seconds on a busy 2-core machine). It is
 * made in a child process, so webpack's few hundred MB of heap never stay in a long-lived process (the webapp,
 * `stint dev`), and written atomically, so processes starting at once share it.
 */
import { bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PAYLOAD_CONVERTER_PATH } from "../shared/data-converter.js";

const here = dirname(fileURLToPath(import.meta.url));
export const WORKFLOWS_PATH = join(here, "../workflows/index.ts");
/** Name of the prebuilt bundle a packaged build writes next to its bundled engine code. */
export const PREBUILT_WORKFLOW_BUNDLE = "engine-workflows.bundle.js";
const BUILD_SCRIPT = join(here, "build-workflow-bundle.ts");

let cached: Promise<WorkflowBundleOption> | undefined;

/** Bundles the workflow sources; what a packaged build writes to PREBUILT_WORKFLOW_BUNDLE. */
export function bundleEngineWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    // Evaluated once per workflow thread and shared, instead of once per workflow (a tenth of a run's module
    // evaluation in a batch's profile). Safe to share: the payload converter only calls it, nothing registers into it.
    preloadModules: ["superjson"],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never,
  });
}

/** Everything the bundle is made of: the engine's sources, the SDK's core and the workflow SDK webpack inlines. */
function sourcesKey(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|cjs|js)$/.test(entry)) hash.update(path).update(readFileSync(path));
    }
  };
  walk(join(here, ".."));
  const require = createRequire(import.meta.url);
  // The workflows import the SDK's core helpers too: a change there must make a new bundle. (A build where the SDK is
  // not a package of its own inlines it, and ships its prebuilt bundle.)
  const sdkCore = (() => {
    try {
      return require.resolve("@stint/sdk/core");
    } catch {
      return undefined;
    }
  })();
  if (sdkCore) walk(dirname(sdkCore));
  for (const pkg of ["@temporalio/workflow/package.json", "@temporalio/worker/package.json"])
    hash.update(readFileSync(require.resolve(pkg)));
  return hash.digest("hex").slice(0, 16);
}

async function cachedOnDisk(): Promise<WorkflowBundleOption> {
  const dir = join(process.env.STINT_CACHE_DIR ?? join(tmpdir(), "stint-cache"), "workflow-bundles");
  const file = join(dir, `engine-${sourcesKey()}.js`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    try {
      await promisify(execFile)(process.execPath, ["--import", "tsx", BUILD_SCRIPT, partial], {
        cwd: here,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch {
      // The child could not run (no tsx beside the sources): bundle in this process instead.
      writeFileSync(partial, (await bundleEngineWorkflows()).code);
    }
    renameSync(partial, file);
  }
  return { code: readFileSync(file, "utf8") };
}

export function engineWorkflowBundle(): Promise<WorkflowBundleOption> {
  const prebuilt = join(here, PREBUILT_WORKFLOW_BUNDLE);
  cached ??= existsSync(prebuilt) ? Promise.resolve({ code: readFileSync(prebuilt, "utf8") }) : cachedOnDisk();
  return cached;
}
