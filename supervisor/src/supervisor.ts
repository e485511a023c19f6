/**
 * A supervisor on a worker server: fetches its worker group's settings from the webapp, registers, heartbeats, and
 * polls the group's task queue (`workers.<group>`) for attempt activities, which it runs with its executor (each in a
 * container, or a child process). A refused token (rotated) cuts it off: it takes no more work. On stop (SIGTERM) it
 * takes no new work and gives running attempts a grace period before they are stopped and retried elsewhere.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";
import { Client, type Connection } from "@temporalio/client";
import {
  connectTemporal,
  ApiPacketStore,
  RECONNECT_CHANNEL_ARGS,
  createStintWorkers,
  runnerEntry,
  stintDataConverter,
  type PacketStore,
  type RunnerLauncher,
  type StintWorkers,
} from "@stint/temporal-workers";
import type { SupervisorConfig } from "./config.js";
import { containerLauncher } from "./docker/container-launcher.js";
import { ensureRuntimeImage } from "./docker/runtime-image.js";
import { removeStaleContainers } from "./docker/stale-containers.js";
import { LogShipper } from "./log-shipper.js";
import { processLauncher } from "./process-launcher.js";
import { WorkerApi, WorkerTokenRefusedError, type WorkerGroupSettings } from "./worker-api.js";
import { WorkerServerExecutor, type EnvironmentContext } from "./worker-server-executor.js";

export interface SupervisorOptions extends SupervisorConfig {
  /** Where the supervisor's own lines go (default stdout). */
  log?: (line: string) => void;
}

export type StopReason = "stopped" | "token refused";

/** How long a Docker engine that answered a ping is taken to be up without asking again. */
const DOCKER_ANSWER_FRESH_MS = 2_000;

export class Supervisor {
  /** Resolves once the supervisor stopped, and why. */
  readonly stopped: Promise<StopReason>;
  private resolveStopped!: (reason: StopReason) => void;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private warming: Promise<void> | undefined;

  private constructor(
    private readonly options: SupervisorOptions,
    readonly settings: WorkerGroupSettings,
    private readonly api: WorkerApi,
    private readonly executor: WorkerServerExecutor,
    private readonly logs: LogShipper,
    private readonly workers: StintWorkers,
    private readonly connection: Connection,
    private readonly log: (line: string) => void,
  ) {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  static async start(options: SupervisorOptions): Promise<Supervisor> {
    const log = options.log ?? ((line: string) => console.log(line));
    const api = new WorkerApi(options.apiUrl, options.token);
    // A wrong token fails here, before anything starts.
    const settings = await api.settings();
    const logs = new LogShipper(api, log);
    mkdirSync(options.dataDir, { recursive: true });
    let launcherFor: (environment: EnvironmentContext) => RunnerLauncher;
    let ready: (() => Promise<void>) | undefined;
    if (options.executor === "docker") {
      const docker = new Docker({ socketPath: options.dockerSocket });
      await docker.ping().catch((error: Error) => {
        throw new Error(
          `the Docker engine does not answer on ${options.dockerSocket} (${error.message}): start it, point --docker-socket at it, or run with --executor process`,
        );
      });
      const removed = await removeStaleContainers(docker, options.name);
      if (removed.length > 0)
        log(
          `[supervisor] removed ${removed.length} container(s) left by an earlier run of ${options.name}: ${removed.join(", ")}`,
        );
      const image = options.runtimeImage ?? (await ensureRuntimeImage(docker, log));
      const ipcRoot = join(options.dataDir, "ipc");
      mkdirSync(ipcRoot, { recursive: true, mode: 0o755 });
      const runnerFile = runnerInDataDir(options.dataDir);
      launcherFor = (environment) =>
        containerLauncher({
          docker,
          image,
          supervisorName: options.name,
          ipcRoot,
          runnerFile,
          environment,
          logSink: (line) => logs.push(line),
        });
      // Asked before each execution, unless the engine answered moments ago: the ping is a round trip an attempt's
      // start would wait for.
      let answeredAt = Date.now();
      ready = async () => {
        if (Date.now() - answeredAt < DOCKER_ANSWER_FRESH_MS) return;
        await docker.ping().catch((error: Error) => {
          throw new Error(`the Docker engine does not answer (${error.message}): the attempt is retried`);
        });
        answeredAt = Date.now();
      };
    } else {
      launcherFor = processLauncher;
    }
    const executor = new WorkerServerExecutor({
      api,
      root: join(options.dataDir, "versions"),
      launcherFor,
      logs,
      log,
      ready,
      warmPoolSize: options.warmPool,
      serverName: options.name,
    });
    const registered = await api.register({
      name: options.name,
      capacity: options.capacity,
      executor: options.executor,
      versions: executor.versions(),
    });

    const connection = await connectTemporal({
      address: settings.temporal.address,
      channelArgs: RECONNECT_CHANNEL_ARGS,
    });
    const client = new Client({
      connection,
      namespace: settings.temporal.namespace,
      dataConverter: stintDataConverter,
    });
    const workers = await createStintWorkers({
      client,
      address: settings.temporal.address,
      namespace: settings.temporal.namespace,
      workflowTaskQueue: settings.taskQueue,
      runEngine: false,
      attempts: {
        taskQueue: settings.taskQueue,
        executor,
        maxConcurrent: options.capacity,
        shutdownGraceMs: options.shutdownGraceMs,
        packets: packetStores(options),
      },
    });
    const supervisor = new Supervisor(options, settings, api, executor, logs, workers, connection, log);
    void workers.run().catch((error: Error) => log(`[supervisor] the Temporal worker stopped: ${error.message}`));
    supervisor.beat();
    supervisor.keepWarm(registered);
    log(
      `[supervisor] ${options.name} serves worker group ${settings.group.name}: polling ${settings.taskQueue} on ${settings.temporal.address}, ${options.capacity} at a time (${options.executor} executor)`,
    );
    return supervisor;
  }

  /** Attempt executions running now. */
  get running(): number {
    return this.executor.running;
  }

  /** Stops taking work, lets running attempts finish within the grace period, says goodbye to the webapp. */
  stop(reason: StopReason = "stopped"): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.heartbeat);
      if (reason === "stopped") {
        const running = this.executor.running;
        this.log(
          `[supervisor] stopping: no new attempts${running > 0 ? `; ${running} running may finish within ${Math.round(this.options.shutdownGraceMs / 1000)} s` : ""}`,
        );
      }
      await this.workers.shutdown().catch((error: Error) => this.log(`[supervisor] worker shutdown: ${error.message}`));
      // Warm containers too: none is left behind.
      await this.executor.close();
      await this.logs.flush();
      if (reason === "stopped") await this.api.disconnect(this.options.name).catch(() => undefined);
      await this.connection.close().catch(() => undefined);
      this.log(`[supervisor] stopped`);
      this.resolveStopped(reason);
    })();
    return this.stopping;
  }

  /** Warm runners follow each environment's current deployment (one update at a time; the next heartbeat catches up). */
  private keepWarm(settings: WorkerGroupSettings): void {
    if (this.warming || this.stopping) return;
    this.warming = this.executor.keepWarm(settings.deployments).finally(() => (this.warming = undefined));
  }

  private beat(): void {
    this.heartbeat = setTimeout(async () => {
      try {
        const settings = await this.api.heartbeat(this.options.name, {
          running: this.executor.running,
          versions: this.executor.versions(),
        });
        this.keepWarm(settings);
        this.executor.refreshVariablesAhead();
      } catch (error) {
        if (error instanceof WorkerTokenRefusedError) {
          this.log(`[supervisor] ${error.message}: taking no more work. Restart it with the group's new token.`);
          return void this.stop("token refused");
        }
        if (/404/.test((error as Error).message)) {
          // The webapp forgot this server (a new database): register again.
          await this.api
            .register({
              name: this.options.name,
              capacity: this.options.capacity,
              executor: this.options.executor,
              versions: this.executor.versions(),
            })
            .catch(() => undefined);
        } else {
          this.log(`[supervisor] heartbeat failed (retried): ${(error as Error).message}`);
        }
      }
      if (!this.stopping) this.beat();
    }, this.settings.heartbeatIntervalMs);
  }
}

/**
 * The runner file containers mount, copied into the data folder: everything a container mounts comes from there, so a
 * supervisor that itself runs in a container (compose/worker-server.yml) mounts the data folder at the same path on the
 * host and Docker finds each mount where the supervisor wrote it.
 */
function runnerInDataDir(dataDir: string): string {
  const source = runnerEntry();
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 16);
  const target = join(dataDir, "runner", `runner-${hash}.mjs`);
  if (!existsSync(target)) {
    mkdirSync(join(dataDir, "runner"), { recursive: true });
    copyFileSync(source, `${target}.${process.pid}.tmp`);
    renameSync(`${target}.${process.pid}.tmp`, target);
  }
  return target;
}

/** Each environment's payloads and outputs of 128 KB and more, through the webapp's worker API (presigned URLs). */
function packetStores(options: SupervisorOptions): (environmentId: string) => PacketStore {
  const stores = new Map<string, PacketStore>();
  return (environmentId) => {
    let store = stores.get(environmentId);
    if (!store) {
      const route = (_method: "PUT" | "GET", path: string) =>
        `/api/v1/worker/environments/${encodeURIComponent(environmentId)}/packets/${path}`;
      store = new ApiPacketStore({ apiUrl: options.apiUrl, secretKey: options.token, route });
      stores.set(environmentId, store);
    }
    return store;
  };
}
