/**
 * The Temporal dev server's internal ports (HTTP API, metrics) are chosen free, and a remembered one another process
 * took since (a restart) is replaced rather than failing the start: CI once lost `npm start` to a port taken between
 * choosing and binding.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "../src/dev-server/temporal-dev-server.js";

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("Temporal dev server ports", () => {
  it("starts when its remembered HTTP API and metrics ports are taken, on other free ones", {
    timeout: 90_000,
  }, async () => {
    const busy = await listenOnFreePort();
    cleanups.push(() => new Promise((resolve) => busy.close(resolve)));
    const takenPort = (busy.address() as { port: number }).port;

    const server: DevServer = await startDevServer({ headless: true, httpPort: takenPort, metricsPort: takenPort });
    cleanups.push(() => server.stop());

    expect(server.httpPort).not.toBe(takenPort);
    expect(server.metricsPort).not.toBe(takenPort);
    expect(server.process.exitCode).toBeNull();
  });
});
