/** One real `temporal server start-dev` for the whole test run, on free loopback ports. */
import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "../../src/dev-server/temporal-dev-server.js";

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
