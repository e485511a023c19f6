/**
 * The real stack for the supervisor's tests: a Docker engine (Debian's docker.io, installed and started by
 * scripts/ensure-docker.sh when none answers), Stint's runtime image built from this host's Node (nothing is pulled),
 * PostgreSQL (scripts/ensure-postgres.sh) and one Temporal dev server.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import type { TestProject } from "vitest/node";
import { setup as startTemporal, teardown as stopTemporal } from "@stint/temporal-workers/testing/global-setup";
import { ensureRuntimeImage } from "../../src/docker/runtime-image.js";

const script = (name: string) => fileURLToPath(new URL(`../../../scripts/${name}`, import.meta.url));

export async function setup(project: TestProject): Promise<void> {
  const socket = execFileSync("bash", [script("ensure-docker.sh")], { encoding: "utf8" })
    .trim()
    .split("\n")
    .pop()!;
  project.provide("dockerSocket", socket);
  project.provide("runtimeImage", await ensureRuntimeImage(new Docker({ socketPath: socket })));
  project.provide(
    "postgresAdminUrl",
    execFileSync("bash", [script("ensure-postgres.sh")], { encoding: "utf8" })
      .trim()
      .split("\n")
      .pop()!,
  );
  await startTemporal(project);
}

export async function teardown(): Promise<void> {
  await stopTemporal();
}

declare module "vitest" {
  export interface ProvidedContext {
    dockerSocket: string;
    runtimeImage: string;
    postgresAdminUrl: string;
  }
}
