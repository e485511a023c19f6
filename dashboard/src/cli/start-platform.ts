/**
 * `npm start`: the whole platform on embedded defaults, until Ctrl-C — a Temporal dev server (state and Web UI under
 * .stint/), the webapp on embedded PostgreSQL, and the example project as a `stint dev` session of the webapp.
 *
 * Ports are fixed (overridable) so a restart finds everything where it was. The Temporal server and the example
 * session are watched: one that dies is restarted (Temporal on the same port and state file); after repeated failures
 * the platform stops with a message saying why, rather than staying half-alive.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  installRuntimeLogger,
  startSupervisedDevServer,
  TemporalPortInUseError,
  type DevServerEvent,
  type SupervisedDevServer,
} from "@stint/temporal-workers";
import { clickhouseUrlSchema, EventStoreUnavailableError, startWebapp, PortInUseError, type Webapp } from "../index.js";
import { superviseChild, type SupervisedChild } from "./supervised-child.js";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ invalid_type_error: `${name} must be a port number (1–65535)` })
    .int(`${name} must be a port number (1–65535)`)
    .min(1, `${name} must be a port number (1–65535)`)
    .max(65_535, `${name} must be a port number (1–65535)`)
    .default(fallback);

const envSchema = z.object({
  PORT: port("PORT", 3030),
  TEMPORAL_PORT: port("TEMPORAL_PORT", 7233),
  TEMPORAL_UI_PORT: port("TEMPORAL_UI_PORT", 8233),
  DATABASE_URL: z.string().url("DATABASE_URL must be a postgres:// URL").optional(),
  STINT_DATA_DIR: z.string().default(join(REPO, ".stint")),
  STINT_EXAMPLE: z.enum(["on", "off"]).default("on"),
  /** off: the REST API without the dashboard pages (no UI build). */
  STINT_UI: z.enum(["on", "off"]).default("on"),
  /** Where the webapp and Temporal listen: 127.0.0.1, or 0.0.0.0 on a webapp server that worker servers reach. */
  STINT_HOST: z
    .string()
    .ip({ message: "STINT_HOST must be an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0" })
    .default("127.0.0.1"),
  /** The webapp's URL as users, SDK clients and worker servers reach it (e.g. behind a proxy). */
  STINT_PUBLIC_URL: z.string().url("STINT_PUBLIC_URL must be a URL, e.g. https://stint.example.com").optional(),
  /** Temporal's gRPC address as worker servers and `stint dev` sessions on other machines reach it. */
  STINT_TEMPORAL_PUBLIC_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, "STINT_TEMPORAL_PUBLIC_ADDRESS must be host:port, e.g. stint.example.com:7233")
    .optional(),
  /** Run logs and events in ClickHouse instead of PostgreSQL: http(s)://user:password@host:port/database. */
  CLICKHOUSE_URL: z
    .string()
    .optional()
    .transform((url) => url || undefined)
    .pipe(clickhouseUrlSchema.optional()),
  /** The CLI as bundled JavaScript (scripts/start.sh builds it); without it the session runs the CLI's bin (tsx). */
  STINT_CLI_BUNDLE: z.string().optional(),
});
type PlatformEnv = z.infer<typeof envSchema>;

const PORT_VARIABLE = { gRPC: "TEMPORAL_PORT", "Web UI": "TEMPORAL_UI_PORT" } as const;

const STOP_STEP_MS = 15_000;

function withinMs(ms: number, work: Promise<unknown> | undefined): Promise<unknown> {
  return Promise.race([
    work?.catch((error: Error) => console.error(`[stint] while stopping: ${error.message}`)),
    new Promise((r) => setTimeout(r, ms).unref()),
  ]);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function describeTemporalEvent(event: DevServerEvent): string {
  if (event.type === "exited") {
    const how = event.signal ? `was killed (${event.signal})` : `exited with code ${event.code}`;
    return `[stint] The Temporal server ${how}; restarting it on the same port and state in ${(event.restartInMs / 1000).toFixed(1)} s`;
  }
  if (event.type === "restarted") return `[stint] The Temporal server is back at ${event.address}`;
  return `[stint] ${event.error.message}`;
}

async function startTemporal(env: PlatformEnv, dataDir: string): Promise<SupervisedDevServer> {
  try {
    return await startSupervisedDevServer({
      dbFile: join(dataDir, "temporal.db"),
      pidFile: join(dataDir, "temporal.pid"),
      ip: env.STINT_HOST,
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      ownProcessGroup: true,
      onEvent: (event) => console.log(describeTemporalEvent(event)),
    });
  } catch (error) {
    if (error instanceof TemporalPortInUseError) {
      const variable = PORT_VARIABLE[error.role];
      fail(
        `Port ${error.port} (the Temporal ${error.role}) is already in use: stop what is using it, or start on another port with ${variable}=<port> (for example ${variable}=${error.port + 1})`,
      );
    }
    throw error;
  }
}

/**
 * The example works in its own project (proj_hello_world, from its trigger.config.ts), found with the admin's access
 * token as any `stint dev` would: never in a project of yours.
 */
function startExample(webapp: Webapp, accessToken: string, dataDir: string, cli: string): SupervisedChild {
  const { TRIGGER_SECRET_KEY: _yours, STINT_CLI_BUNDLE: _cli, ...exampleEnv } = process.env;
  return superviseChild({
    name: "The example's stint dev session",
    command: process.execPath,
    args: [
      // The webapp's own young-generation limit and source maps (scripts/start.sh): the session idles most of the time.
      ...process.execArgv.filter((flag) => flag.startsWith("--max-semi-space-size") || flag === "--enable-source-maps"),
      cli,
      "dev",
      "--cwd",
      join(REPO, "examples/hello-world"),
      "--state-dir",
      join(dataDir, "example"),
      // The example waits for nobody: its attempts start a runner each instead of keeping one started (~90 MB idle).
      "--warm-runners",
      "0",
      "--trigger",
      "onboarding",
      "--payload",
      '{"name":"Ada","email":"ada@example.com"}',
    ],
    env: { ...exampleEnv, TRIGGER_API_URL: webapp.url, TRIGGER_ACCESS_TOKEN: accessToken },
  });
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
    process.exit(2);
  }
  const env = parsed.data;
  const dataDir = resolve(env.STINT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  installRuntimeLogger("WARN");
  const temporal = await startTemporal(env, dataDir);
  let webapp: Webapp;
  try {
    webapp = await startWebapp({
      port: env.PORT,
      host: env.STINT_HOST,
      publicUrl: env.STINT_PUBLIC_URL?.replace(/\/$/, ""),
      dataDir,
      databaseUrl: env.DATABASE_URL,
      temporal: { address: temporal.address, publicAddress: env.STINT_TEMPORAL_PUBLIC_ADDRESS },
      temporalUiUrl: temporal.uiUrl,
      ui: env.STINT_UI === "on",
      clickhouseUrl: env.CLICKHOUSE_URL ?? null,
    });
  } catch (error) {
    await temporal.stop();
    if (error instanceof PortInUseError || error instanceof EventStoreUnavailableError) fail(error.message);
    throw error;
  }
  const boot = webapp.bootstrap!;

  console.log(`\nStint is running (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s).`);
  const publicUrl = env.STINT_PUBLIC_URL?.replace(/\/$/, "") ?? webapp.url;
  console.log(`  Dashboard:      ${publicUrl}`);
  console.log(`  API:            ${publicUrl}  (TRIGGER_API_URL; port: PORT)`);
  console.log(
    `  Temporal gRPC:  ${env.STINT_TEMPORAL_PUBLIC_ADDRESS ?? temporal.address}  (TEMPORAL_PORT${env.STINT_TEMPORAL_PUBLIC_ADDRESS ? "; as worker servers reach it" : ""})`,
  );
  console.log(`  Temporal UI:    ${temporal.uiUrl}/namespaces/default/workflows  (TEMPORAL_UI_PORT)`);
  console.log(
    `  Database:       ${env.DATABASE_URL ? "DATABASE_URL" : `embedded PostgreSQL in ${join(dataDir, "postgres")}`}`,
  );
  if (boot.devSecretKey)
    console.log(
      `  Dev key:        ${boot.devSecretKey}  (TRIGGER_SECRET_KEY of ${boot.projectRef}; also in ${join(dataDir, "dev.env")})`,
    );
  if (boot.accessToken)
    console.log(
      `  stint dev:      source ${join(dataDir, "dev.env")}  (exports TRIGGER_API_URL and TRIGGER_ACCESS_TOKEN: each project gets its own)`,
    );
  console.log(`  Admin:          ${boot.adminEmail}${boot.adminPassword ? "  (password printed above, once)" : ""}`);
  console.log("  Ctrl-C stops everything.\n");

  const example =
    env.STINT_EXAMPLE === "on" && boot.accessToken
      ? startExample(webapp, boot.accessToken, dataDir, env.STINT_CLI_BUNDLE ?? join(REPO, "cli/bin/stint.mjs"))
      : undefined;

  let stoppingSince: number | undefined;
  const shutdown = async (exitCode: number) => {
    if (stoppingSince !== undefined) return;
    stoppingSince = Date.now();
    // Each step is bounded: with Temporal gone, the engine workers' shutdown would otherwise wait for it forever.
    await withinMs(STOP_STEP_MS, example?.stop());
    await withinMs(STOP_STEP_MS, webapp.stop());
    await withinMs(STOP_STEP_MS, temporal.stop());
    process.exit(exitCode);
  };
  const onSignal = () => {
    // A terminal's Ctrl-C reaches this process twice under npm (from the terminal, and forwarded by npm): one stop.
    // A second Ctrl-C typed while stopping stops at once.
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > 2_000) process.exit(130);
      return;
    }
    console.log("\nStopping…");
    void shutdown(0);
  };
  // Both children run in process groups of their own: if this process ends any other way, take them down with it.
  process.once("exit", () => {
    for (const child of [temporal.current().process, example?.current()])
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  void Promise.race([temporal.gaveUp, example?.gaveUp ?? new Promise<never>(() => {})]).then((error) => {
    console.error(
      `\n[stint] ${error.message}. Stopping the platform: see the lines above for why, then run npm start again.`,
    );
    void shutdown(1);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
