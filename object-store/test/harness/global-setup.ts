/** Builds the S3 test server once per test run (later runs reuse the binary), so no test times out on the build. */
import type { TestProject } from "vitest/node";
import { ensureS3ServerBinary } from "./s3-server.js";

export function setup(project: TestProject): void {
  project.provide("s3ServerBinary", ensureS3ServerBinary());
}

declare module "vitest" {
  export interface ProvidedContext {
    s3ServerBinary: string;
  }
}
