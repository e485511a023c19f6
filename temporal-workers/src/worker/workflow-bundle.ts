/** Bundles the engine's workflow code once (webpack + swc via the Temporal SDK) and caches it on disk. */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PAYLOAD_CONVERTER_PATH } from "../shared/data-converter.js";

export const WORKFLOWS_PATH = join(dirname(fileURLToPath(import.meta.url)), "../workflows/index.ts");

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

export function engineWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cached ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, payloadConverterPath: PAYLOAD_CONVERTER_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never });
  return cached;
}
