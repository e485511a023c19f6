/** One real Temporal dev server for the CLI tests. */
import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "@stint/temporal-workers";

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startDevServer({ headless: true });
  project.provide("temporalAddress", server.address);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}
