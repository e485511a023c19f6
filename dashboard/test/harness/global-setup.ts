/**
 * One Temporal dev server and one real PostgreSQL (Debian's, installed and started if missing) for the test run, the
 * dashboard UI built, and Debian's ClickHouse installed (test files that need one start their own).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { setup as startTemporal, teardown as stopTemporal } from "@stint/temporal-workers/testing/global-setup";
import { ensureS3ServerBinary } from "@stint/object-store/testing";
import { buildUi } from "../../src/server/dashboard-pages.js";
import { dropTestDatabases, newTestDatabasePrefix } from "./test-databases.js";

const ENSURE_POSTGRES = fileURLToPath(new URL("../../../scripts/ensure-postgres.sh", import.meta.url));
const ENSURE_CLICKHOUSE = fileURLToPath(new URL("../../../scripts/ensure-clickhouse.sh", import.meta.url));
const ENSURE_CHROMIUM = fileURLToPath(new URL("../../../scripts/ensure-chromium.sh", import.meta.url));

let databases: { adminUrl: string; prefix: string } | undefined;

export async function setup(project: TestProject): Promise<void> {
  const adminUrl = execFileSync("bash", [ENSURE_POSTGRES], { encoding: "utf8" }).trim().split("\n").pop()!;
  project.provide("postgresAdminUrl", adminUrl);
  databases = { adminUrl, prefix: newTestDatabasePrefix() };
  project.provide("testDatabasePrefix", databases.prefix);
  project.provide(
    "chromiumPath",
    execFileSync("bash", [ENSURE_CHROMIUM], { encoding: "utf8" }).trim().split("\n").pop()!,
  );
  project.provide(
    "clickhouseServerBinary",
    execFileSync("bash", [ENSURE_CLICKHOUSE], { encoding: "utf8" }).trim().split("\n").pop()!,
  );
  // The S3-compatible server large-payloads runs against, built once (not inside a test's time limit).
  project.provide("s3ServerBinary", ensureS3ServerBinary());
  // The dashboard's static export, built once before the test files start: files that serve the UI run two at a
  // time, and two `next build`s of one folder at once fail ("Another next build process is already running").
  await buildUi((line) => console.log(line));
  await startTemporal(project);
}

export async function teardown(): Promise<void> {
  await stopTemporal();
  if (databases) await dropTestDatabases(databases.adminUrl, databases.prefix);
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    /** The prefix of this run's databases (dropped at teardown). */
    testDatabasePrefix: string;
    chromiumPath: string;
    s3ServerBinary: string;
    clickhouseServerBinary: string;
  }
}
