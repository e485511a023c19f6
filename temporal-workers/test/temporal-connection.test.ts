/**
 * Closing a Temporal connection while one of its calls waits out a retry backoff (a process stopping while Temporal is
 * down) fails that call; it does not throw "Channel has been shut down" from a timer, which ended test runs and
 * stopping processes with an uncaught exception. Uses a real gRPC channel to a loopback port nothing listens on.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { lazyTemporalConnection } from "../src/index.js";

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function withUncaughtRecorded(body: (uncaught: unknown[]) => Promise<void>): Promise<void> {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.prependListener("uncaughtException", onUncaught);
  try {
    await body(uncaught);
  } finally {
    process.off("uncaughtException", onUncaught);
  }
}

describe("Temporal connection", () => {
  it("a call made after its connection closed fails with the reason, and nothing is thrown", () =>
    withUncaughtRecorded(async (uncaught) => {
      const connection = lazyTemporalConnection({ address: `127.0.0.1:${await closedLoopbackPort()}` });
      await connection.close();
      const failure = (await connection.workflowService.getSystemInfo({}).then(
        () => undefined,
        (error: unknown) => error,
      )) as { details?: string } | undefined;
      expect(failure?.details).toMatch(/Channel has been shut down/);
      await new Promise((r) => setTimeout(r, 500));
      expect(uncaught).toEqual([]);
    }));

  it(
    "a call retrying when its connection closes fails with the reason, and nothing is thrown from a timer",
    () =>
      withUncaughtRecorded(async (uncaught) => {
        const connection = lazyTemporalConnection({ address: `127.0.0.1:${await closedLoopbackPort()}` });
        const call = connection.workflowService.getSystemInfo({}).then(
          () => undefined,
          (error: unknown) => error,
        );
        // The first attempt fails at once (connection refused); its retry waits a backoff, during which the close lands.
        await new Promise((r) => setTimeout(r, 300));
        await connection.close();
        const failure = (await call) as { code?: number; details?: string };
        expect(failure).toBeDefined();
        expect(failure.details).toMatch(/Channel has been shut down/);
        // Any retry still pending would fire within the longest backoff (5 s).
        await new Promise((r) => setTimeout(r, 6_000));
        expect(uncaught).toEqual([]);
      }),
    30_000,
  );
});
