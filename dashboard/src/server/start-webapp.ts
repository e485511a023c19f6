/**
 * Starts the webapp: database (embedded PGlite by default), migrations, the Temporal client and the engine's
 * workflow worker, first-boot defaults, and the HTTP server for the REST API.
 */
import { join, resolve } from "node:path";
import { Client } from "@temporalio/client";
import {
  connectTemporal,
  RECONNECT_CHANNEL_ARGS,
  createStintWorkers,
  ensureSearchAttributes,
  freePort,
  type StintWorkers,
  stintDataConverter,
} from "@stint/temporal-workers";
import { EnvironmentAuthenticator } from "./auth/authenticate.js";
import { bootstrapDefaults, type BootstrapResult } from "./bootstrap/first-boot.js";
import { ensureDefaultWorkerGroup } from "./workers/worker-groups.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./database/embedded-postgres.js";
import { migrateDatabase } from "./database/migrate.js";
import { createDatabase, type Database } from "./database/prisma-client.js";
import { EnvironmentEngines } from "./engine/environment-engines.js";
import { PostgresLeaseStore } from "./dispatch/postgres-lease-store.js";
import { AdvisoryLockLeadership } from "./dispatch/advisory-lock-leadership.js";
import { applyEnvironmentLimits, describeEnvironment, followEnvironmentLimits } from "./dispatch/environment-limits.js";
import { applyWorkerCapacity, followWorkerCapacity } from "./dispatch/worker-capacity.js";
import { DevSessionRetries } from "./engine/dev-session-retries.js";
import { EngineHealth } from "./engine/engine-health.js";
import { createApiApp } from "./api/app.js";
import { createUiApi } from "./ui-api/app.js";
import { gitHubOAuthFromEnv, type GitHubOAuthConfig } from "./auth/github-oauth.js";
import { bindHttpServer, type BoundHttpServer } from "./http-server.js";
import { adminEmailFrom } from "./auth/email-address.js";
import { DevSessionRouter } from "./dev-sessions/session-router.js";
import { dashboardPagesHandler } from "./dashboard-pages.js";
import { RunDispatcher } from "./runs/run-dispatcher.js";
import { QueueService } from "./queues/queue-service.js";
import { SchedulingSettings } from "./queues/scheduling-settings.js";
import { SharedQueueDirectory } from "./queues/shared-queue-directory.js";
import { ScheduleService } from "./schedules/schedule-service.js";
import { RunIndexSync } from "./runs/run-index-sync.js";
import { SecretBox } from "./envvars/secret-box.js";
import type { EventStore } from "./events/event-store.js";
import { createEventStore } from "./events/create-event-store.js";
import { FileObjectStore, createObjectStore, objectStoreConfigFromEnv, type ObjectStore } from "@stint/object-store";
import { EngineSchedules, MAX_PACKET_BYTES, listRunChanges } from "@stint/temporal-workers";
import { EnvironmentPackets } from "./packets/environment-packets.js";
import { DeploymentService, deployedVersionLock } from "./deployments/index.js";
import { PortInUseError } from "./errors.js";

export interface WebappOptions {
  /** Default 3030; 0 picks a free port. */
  port?: number;
  host?: string;
  /** A PostgreSQL URL; without one, an embedded PGlite database under `dataDir`. */
  databaseUrl?: string;
  /** Default `.stint` in the working directory. */
  dataDir?: string;
  /**
   * `publicAddress`: the address worker servers and `stint dev` sessions are told to reach Temporal at, when they see
   * it under another name than this process does (a webapp server whose workers run on other machines).
   */
  temporal: { address: string; namespace?: string; publicAddress?: string };
  /** Task queue of the engine's workflows (default `stint-engine`). */
  engineTaskQueue?: string;
  /** Run the engine's workflow worker in this process (default true). */
  runEngineWorker?: boolean;
  /** Start the runs the API accepts (default true); false for API-only processes beside a dispatching one. */
  dispatchRuns?: boolean;
  /** Create the default organisation, project and admin on an empty database (default true). */
  bootstrap?: boolean;
  /** URL the webapp is reached at from outside (default http://<host>:<port>). */
  publicUrl?: string;
  /** Serve the dashboard pages (default true; a static export built on first start). API-only processes turn it off. */
  ui?: boolean;
  /** Temporal Web UI base URL, for links from run pages. */
  temporalUiUrl?: string;
  /** Where lines meant for the operator go (magic links and invites without a mail server); default stdout. */
  log?: (line: string) => void;
  /** The admin account first boot creates (default STINT_ADMIN_EMAIL, else admin@localhost). */
  adminEmail?: string;
  /** "Log in with GitHub": default from GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET; null turns it off. */
  github?: GitHubOAuthConfig | null;
  /**
   * Where large payloads and outputs live: default from the OBJECT_STORE_* variables (an S3-compatible store), else
   * the embedded store in `<dataDir>/objects`, whose presigned URLs point at this webapp.
   */
  objectStore?: ObjectStore;
  /**
   * Where run logs and events live: a ClickHouse URL (default `CLICKHOUSE_URL`), else PostgreSQL's RunEvent table.
   * null keeps them in PostgreSQL whatever the environment says.
   */
  clickhouseUrl?: string | null;
}

export interface Webapp {
  url: string;
  db: Database;
  databaseUrl: string;
  bootstrap?: BootstrapResult;
  engines: EnvironmentEngines;
  /** Run logs and Stint's notes on runs. */
  events: EventStore;
  /** The REST API's routes (the fuzz test enumerates them). */
  apiRoutes: { method: string; path: string }[];
  /** Whether Temporal is reachable now (the webapp reconnects by itself when it comes back). */
  engineHealth: EngineHealth;
  /** Large payloads and deployment bundles. */
  objectStore: ObjectStore;
  stop(): Promise<void>;
}

/** Where first boot writes the default worker group's token, in the data folder (the "token lost?" path). */
export const WORKER_TOKEN_FILE = "worker-token";

async function bindPort(port: number, host: string): Promise<BoundHttpServer> {
  try {
    return await bindHttpServer(port, host);
  } catch (error) {
    throw (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? new PortInUseError(port) : error;
  }
}

export async function startWebapp(options: WebappOptions): Promise<Webapp> {
  const host = options.host ?? "127.0.0.1";
  const bound = await bindPort(options.port ?? 3030, host);
  const port = bound.port;
  const dataDir = resolve(options.dataDir ?? ".stint");
  const adminEmail = adminEmailFrom(options.adminEmail ?? process.env.STINT_ADMIN_EMAIL);
  const log = options.log ?? ((line: string) => console.log(line));
  // A webapp listening on every address is reached from this machine through loopback.
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const publicUrl = options.publicUrl ?? url;
  const stops: (() => Promise<void>)[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Requests stop first, then the services in the reverse order of their start.
    await new Promise<void>((resolveClose) => {
      bound.server.close(() => resolveClose());
      bound.server.closeAllConnections();
    });
    for (const fn of stops.reverse()) await fn().catch((error) => console.error("[webapp] shutdown:", error));
  };

  try {
    let embedded: EmbeddedPostgres | undefined;
    if (!options.databaseUrl) {
      embedded = await startEmbeddedPostgres(join(dataDir, "postgres"), await freePort());
      stops.push(() => embedded!.stop());
    }
    const databaseUrl = options.databaseUrl ?? embedded!.url;
    await migrateDatabase(databaseUrl);
    // One connection to the embedded database (see createDatabase).
    const db = createDatabase(databaseUrl, { maxConnections: embedded ? 1 : 10 });
    stops.push(() => db.$disconnect());
    const events = await createEventStore(db, options.clickhouseUrl, stops);

    const objectStore =
      options.objectStore ??
      // The embedded store takes uploads a bit over the limit, so a trigger can name the limit instead of a bare 413.
      (await createObjectStore(objectStoreConfigFromEnv(), {
        root: join(dataDir, "objects"),
        publicUrl,
        maxUploadBytes: 2 * MAX_PACKET_BYTES,
      }));
    await objectStore.ensureReady();
    const packets = new EnvironmentPackets(objectStore);

    const namespace = options.temporal.namespace ?? "default";
    const connection = await connectTemporal({
      address: options.temporal.address,
      channelArgs: RECONNECT_CHANNEL_ARGS,
    });
    stops.push(() => connection.close());
    const engineHealth = new EngineHealth(
      connection,
      options.temporal.address,
      options.log ?? ((line) => console.log(line)),
    );
    engineHealth.start();
    stops.push(() => engineHealth.stop());
    await ensureSearchAttributes(connection, namespace);
    const client = new Client({ connection, namespace, dataConverter: stintDataConverter });
    const queueDirectory = new SharedQueueDirectory(db);
    const devRetries = new DevSessionRetries(db);
    const leaseStore = new PostgresLeaseStore(db);
    const engines = new EnvironmentEngines(
      client,
      options.engineTaskQueue ?? "stint-engine",
      {},
      (envId, taskId) => queueDirectory.queueOfTask(envId, taskId),
      (envId, taskId) => devRetries.retriesEnabled(envId, taskId),
      packets,
      deployedVersionLock(db),
      leaseStore,
    );

    let workers: StintWorkers | undefined;
    if (options.runEngineWorker !== false) {
      let stopFollowingLimits: (() => void) | undefined;
      let stopFollowingCapacity: (() => void) | undefined;
      workers = await createStintWorkers({
        client,
        address: options.temporal.address,
        namespace,
        workflowTaskQueue: engines.workflowTaskQueue,
        attemptRouter: new DevSessionRouter(db),
        // The engine's dispatcher keeps its leases in this database; with an external PostgreSQL several webapps
        // may run the engine, and the one holding the advisory lock dispatches (the embedded one is this process's).
        dispatcher: {
          store: leaseStore,
          leadership: embedded ? undefined : new AdvisoryLockLeadership(databaseUrl, engines.workflowTaskQueue),
          tuning: { describeEnvironment: (environmentId) => describeEnvironment(db, environmentId) },
          async onLeading(dispatcher) {
            await applyEnvironmentLimits(db, dispatcher);
            stopFollowingLimits = followEnvironmentLimits(db, dispatcher);
            // Deployed runs are admitted up to their worker group's connected capacity (docs/queues.md).
            await applyWorkerCapacity(db, dispatcher);
            stopFollowingCapacity = followWorkerCapacity(db, dispatcher);
          },
        },
      });
      stops.push(async () => stopFollowingLimits?.());
      stops.push(async () => stopFollowingCapacity?.());
      void workers.run();
      stops.push(() => workers!.shutdown());
    }

    const secretBox = SecretBox.forDataDir(dataDir);
    const bootstrap =
      options.bootstrap === false
        ? undefined
        : await bootstrapDefaults(db, {
            devEnvFile: join(dataDir, "dev.env"),
            apiUrl: publicUrl,
            adminEmail,
            log,
            secretBox,
          });
    if (options.bootstrap !== false)
      await ensureDefaultWorkerGroup(db, { tokenFile: join(dataDir, WORKER_TOKEN_FILE), log });

    const dispatcher = new RunDispatcher(db, engines, events, () => engineHealth.reachable);
    if (options.dispatchRuns !== false) {
      dispatcher.start();
      stops.push(() => dispatcher.stop());
    }

    // The run index follows the engine wherever this process dispatches (one syncing process is enough).
    if (options.dispatchRuns !== false) {
      const sync = new RunIndexSync(
        db,
        (since, pageSize) => listRunChanges(client, since, pageSize),
        events,
        () => engineHealth.reachable,
      );
      sync.start();
      stops.push(() => sync.stop());
    }

    const schedules = new ScheduleService(db, new EngineSchedules(client, engines.workflowTaskQueue), engines);
    const queues = new QueueService(db, engines, queueDirectory);
    const scheduling = new SchedulingSettings(db, engines);
    const deployments = new DeploymentService(db, objectStore, schedules, queues);
    const services = {
      db,
      auth: new EnvironmentAuthenticator(db, secretBox),
      engines,
      dispatcher,
      schedules,
      queues,
      scheduling,
      engineHealth,
      secretBox,
      events,
      publicUrl: () => publicUrl,
      packets,
      deployments,
    };
    const api = createApiApp(services, {
      address: options.temporal.publicAddress ?? options.temporal.address,
      namespace,
    });
    const uiApi = createUiApi(services, {
      temporalUiUrl: options.temporalUiUrl,
      temporalNamespace: namespace,
      log,
      github: options.github === undefined ? gitHubOAuthFromEnv() : (options.github ?? undefined),
    });
    const pages = options.ui === false ? undefined : await dashboardPagesHandler();
    const objects =
      objectStore instanceof FileObjectStore
        ? (request: Request) => objectStore.handleSignedRequest(request)
        : undefined;
    bound.serve({ api: api.fetch, uiApi: uiApi.fetch, pages, objects });

    const apiRoutes = api.routes
      .filter((route) => route.method !== "ALL")
      .map(({ method, path }) => ({ method, path }));
    return { url, db, databaseUrl, bootstrap, engines, events, apiRoutes, engineHealth, objectStore, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
