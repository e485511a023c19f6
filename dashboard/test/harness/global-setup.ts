/** One Temporal dev server and one real PostgreSQL (Debian's, installed and started if missing) for the test run. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { setup as startTemporal, teardown as stopTemporal } from "@stint/temporal-workers/testing/global-setup";
import { ensureS3ServerBinary } from "@stint/object-store/testing";

const ENSURE_POSTGRES = fileURLToPath(new URL("../../../scripts/ensure-postgres.sh", import.meta.url));
const ENSURE_CHROMIUM = fileURLToPath(new URL("../../../scripts/ensure-chromium.sh", import.meta.url));

export async function setup(project: TestProject): Promise<void> {
  const adminUrl = execFileSync("bash", [ENSURE_POSTGRES], { encoding: "utf8" }).trim().split("\n").pop()!;
  project.provide("postgresAdminUrl", adminUrl);
  project.provide("chromiumPath", execFileSync("bash", [ENSURE_CHROMIUM], { encoding: "utf8" }).trim().split("\n").pop()!);
  // The S3-compatible server large-payloads runs against, built once (not inside a test's time limit).
  project.provide("s3ServerBinary", ensureS3ServerBinary());
  await startTemporal(project);
}

export async function teardown(): Promise<void> {
  await stopTemporal();
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    chromiumPath: string;
    s3ServerBinary: string;
  }
}
