/**
 * The private Temporal dev server of a standalone `stint dev`, state in `<project>/.stint/`: it keeps its ports
 * across restarts (the first free ones, saved in temporal-ports.json) so bookmarks of its Web UI and `temporal`
 * commands keep working, and it is restarted on the same ports and state if it dies.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import {
  startSupervisedDevServer,
  TemporalPortInUseError,
  type DevServerEvent,
  type SupervisedDevServer,
} from "@stint/temporal-workers";

const savedPortsSchema = z.object({
  port: z.number().int().min(1).max(65_535),
  uiPort: z.number().int().min(1).max(65_535).optional(),
});

const time = () => new Date().toISOString().slice(11, 19);

function describe(event: DevServerEvent): string {
  if (event.type === "exited")
    return `[${time()}] The Temporal dev server ${event.signal ? `was killed (${event.signal})` : `exited with code ${event.code}`}; restarting it on the same port in ${(event.restartInMs / 1000).toFixed(1)} s`;
  if (event.type === "restarted") return `[${time()}] The Temporal dev server is back at ${event.address}`;
  return `[${time()}] ${event.error.message}`;
}

export async function startLocalTemporal(options: {
  stateDir: string;
  namespace: string;
  uiPort?: number;
  log?: (line: string) => void;
}): Promise<SupervisedDevServer> {
  const log = options.log ?? console.log;
  const portsFile = join(options.stateDir, "temporal-ports.json");
  let saved: z.infer<typeof savedPortsSchema> | undefined;
  try {
    saved = savedPortsSchema.parse(JSON.parse(readFileSync(portsFile, "utf8")));
  } catch {
    // First start (or an unreadable file): free ports, saved below.
  }
  const start = (ports: { port?: number; uiPort?: number }) =>
    startSupervisedDevServer({
      dbFile: join(options.stateDir, "temporal.db"),
      pidFile: join(options.stateDir, "temporal.pid"),
      namespace: options.namespace,
      port: ports.port,
      uiPort: options.uiPort ?? ports.uiPort,
      onEvent: (event) => log(describe(event)),
    });
  let server: SupervisedDevServer;
  try {
    server = await start(saved ?? {});
  } catch (error) {
    // Taken by something else since the last run: another free port, said out loud (the saved one is replaced).
    if (!(error instanceof TemporalPortInUseError) || (options.uiPort !== undefined && error.role === "Web UI"))
      throw error;
    log(
      `Port ${error.port} (Temporal ${error.role}) that this project's dev server used before is taken: using a free one`,
    );
    server = await start({});
  }
  const current = server.current();
  writeFileSync(portsFile, JSON.stringify({ port: current.port, uiPort: current.uiPort }));
  return server;
}
