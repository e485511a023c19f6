/**
 * The runner process a task's attempt runs in (`stint dev`, worker servers) loads the SDK and the project, never
 * Temporal: it reaches its run through its parent. Bundling Temporal's client into it (3.3 MB of gRPC and protobuf
 * code) made every runner start about 170 ms slower and 37 MB larger, paid once per process in a burst.
 */
import { readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runnerEntry } from "../src/index.js";

describe("the runner script", () => {
  it("carries no Temporal or gRPC module and stays small", () => {
    const script = runnerEntry();
    const modules = readFileSync(script, "utf8").match(/^\/\/ \S+node_modules\/\S+$/gm) ?? [];
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.filter((line) => /@temporalio|@grpc|protobufjs/.test(line))).toEqual([]);
    expect(statSync(script).size).toBeLessThan(1024 * 1024);
  });
});
