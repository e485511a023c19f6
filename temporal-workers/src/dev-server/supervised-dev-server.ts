/**
 * A Temporal dev server that is restarted when it dies: same ports, same SQLite file, so workers and clients that
 * knew its address reconnect by themselves and every run it held goes on. Restarts back off; after too many failures
 * in a row the supervisor gives up and says why, so its owner can stop too instead of staying half-alive.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { startDevServer, type DevServer, type DevServerOptions } from "./temporal-dev-server.js";

export type DevServerEvent =
  | { type: "exited"; code: number | null; signal: NodeJS.Signals | null; restartInMs: number; failures: number }
  | { type: "restarted"; address: string }
  | { type: "gave-up"; error: Error };

export interface SupervisedDevServerOptions extends DevServerOptions {
  /** Consecutive failures (exits or failed starts without a stable run between them) before giving up; default 5. */
  maxFailures?: number;
  /** Up this long, a server counts as stable again and the failure count restarts; default 60 s. */
  stableAfterMs?: number;
  /** First restart delay, doubled after each failure up to 8 s; default 500 ms. */
  initialBackoffMs?: number;
  /**
   * Where the server's pid is kept. A server left behind by an owner that was killed (kill -9 of `npm start`) still
   * holds the ports and the SQLite file: the next start finds it through this file and stops it first.
   */
  pidFile?: string;
  onEvent?: (event: DevServerEvent) => void;
}

export interface SupervisedDevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  /** The server process now (it changes at each restart). */
  current(): DevServer;
  /** Resolves with the reason when the supervisor gives up (never resolves if it does not). */
  gaveUp: Promise<Error>;
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 8_000;

export async function startSupervisedDevServer(options: SupervisedDevServerOptions): Promise<SupervisedDevServer> {
  const {
    maxFailures = 5,
    stableAfterMs = 60_000,
    initialBackoffMs = 500,
    pidFile,
    onEvent,
    ...serverOptions
  } = options;
  if (pidFile) await stopLeftoverServer(pidFile, serverOptions.dbFile);
  let server = await startDevServer(serverOptions);
  // Restarts reuse every port the first start chose.
  const fixed: DevServerOptions = {
    ...serverOptions,
    port: server.port,
    uiPort: server.uiPort,
    httpPort: server.httpPort,
    metricsPort: server.metricsPort,
  };
  const writePid = () => pidFile && writeFileSync(pidFile, String(server.process.pid));
  writePid();

  let stopping = false;
  let failures = 0;
  let startedAt = Date.now();
  let giveUp!: (error: Error) => void;
  const gaveUp = new Promise<Error>((resolve) => (giveUp = resolve));

  const restart = async (): Promise<void> => {
    if (Date.now() - startedAt >= stableAfterMs) failures = 0;
    while (!stopping) {
      failures += 1;
      if (failures > maxFailures) {
        const error = new Error(
          `the Temporal server at ${server.address} failed ${maxFailures} times in a row; giving up`,
        );
        onEvent?.({ type: "gave-up", error });
        giveUp(error);
        return;
      }
      const delay = Math.min(initialBackoffMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
      onEvent?.({
        type: "exited",
        code: server.process.exitCode,
        signal: server.process.signalCode,
        restartInMs: delay,
        failures,
      });
      await new Promise((r) => setTimeout(r, delay));
      if (stopping) return;
      try {
        startedAt = Date.now();
        server = await startDevServer(fixed);
        writePid();
        watch();
        onEvent?.({ type: "restarted", address: server.address });
        return;
      } catch {
        // A start that fails counts as a failure: go round again with a longer delay.
      }
    }
  };
  const watch = () => server.process.once("exit", () => void (stopping ? undefined : restart()));
  watch();

  return {
    address: server.address,
    uiUrl: server.uiUrl,
    namespace: server.namespace,
    current: () => server,
    gaveUp,
    async stop() {
      stopping = true;
      await server.stop();
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}

/** Stops the server a previous owner left running on the same state file (only that one: its command line says so). */
async function stopLeftoverServer(pidFile: string, dbFile: string | undefined): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, "utf8").trim());
  } catch {
    return;
  }
  let commandLine = "";
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    // Gone already (or no /proc on this system: then leave it alone).
  }
  if (pid > 0 && dbFile && commandLine.includes("start-dev") && commandLine.includes(dbFile)) {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; /proc says whether it is really running.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
