/**
 * The engine's workflow code as one bundle (webpack + swc via the Temporal SDK), made once per process. A packaged
 * build (the `stint` CLI's `dist/`) has no TypeScript sources to bundle: it ships the bundle prebuilt beside this
 * module, and that file wins when present.
 */
import { bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PAYLOAD_CONVERTER_PATH } from "../shared/data-converter.js";

const here = dirname(fileURLToPath(import.meta.url));
export const WORKFLOWS_PATH = join(here, "../workflows/index.ts");
/** Name of the prebuilt bundle a packaged build writes next to its bundled engine code. */
export const PREBUILT_WORKFLOW_BUNDLE = "engine-workflows.bundle.js";

let cached: Promise<WorkflowBundleOption> | undefined;

/** Bundles the workflow sources; what a packaged build writes to PREBUILT_WORKFLOW_BUNDLE. */
export function bundleEngineWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, payloadConverterPath: PAYLOAD_CONVERTER_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never });
}

export function engineWorkflowBundle(): Promise<WorkflowBundleOption> {
  const prebuilt = join(here, PREBUILT_WORKFLOW_BUNDLE);
  cached ??= existsSync(prebuilt) ? Promise.resolve({ code: readFileSync(prebuilt, "utf8") }) : bundleEngineWorkflows();
  return cached;
}
