/**
 * Where `stint dev` runs its tasks' attempts:
 * - standalone: a private Temporal dev server (or --temporal-address) with the engine's workflows and the attempts
 *   co-located in this process;
 * - webapp: a session of a Stint webapp, which runs the engine; this process polls its session's one attempt queue,
 *   where the engine routes runs of the tasks it registered (when it is the newest live session that has them), so
 *   other sessions in the same environment never take its runs (nor it theirs).
 */
import { join } from "node:path";
import { Client } from "@temporalio/client";
import { isFinalStatus } from "@stint/sdk/core";
import { setClientRuntime } from "@stint/sdk/runtime";
import { FileObjectStore } from "@stint/object-store/embedded";
import {
  connectTemporal,
  ApiPacketStore,
  MAX_PACKET_BYTES,
  RECONNECT_CHANNEL_ARGS,
  StintEngineClient,
  TemporalReachability,
  createStintWorkers,
  ensureSearchAttributes,
  objectPacketStore,
  stintDataConverter,
  type SupervisedDevServer,
} from "@stint/temporal-workers";
import type { DevExecutor } from "./dev-executor.js";
import { startLocalTemporal } from "./local-temporal.js";
import type { ProjectDeclarations } from "../project/build-project.js";
import type { PolledQueue } from "../session-file.js";
import {
  LogShipper,
  endDevSession,
  registerDevSession,
  runStatusViaWebapp,
  triggerViaWebapp,
  type SessionIdentity,
  type WebappTarget,
} from "../webapp-session.js";
import { SessionKeeper } from "./session-keeper.js";
import { ClashWarnings } from "./clash-warnings.js";

const time = () => new Date().toISOString().slice(11, 19);

export interface DevBackend {
  temporalAddress: string;
  temporalUiUrl?: string;
  namespace: string;
  /** Webapp mode: the webapp and this session's id there. */
  webapp?: { url: string; sessionId: string };
  /** The task queues this process polls now (for `stint status`). */
  queues(): PolledQueue[];
  /** The webapp environment this session joined (`dev (env_…)`), for the first line. */
  environmentLabel?: string;
  describe(): string[];
  /** Webapp mode: `listener` runs when the session moves to Temporal at another address (the platform restarted). */
  onTemporalMoved?(listener: () => void): void;
  /** Called at start and after each reload with the tasks, schedules and queues the project now has. */
  register(project: ProjectDeclarations): Promise<void>;
  trigger(taskId: string, payload: unknown): Promise<string>;
  waitForResult(runId: string): Promise<{ status: string; detail: unknown }>;
  stop(): Promise<void>;
}

async function pollUntilFinal<T extends { status: string }>(read: () => Promise<T>): Promise<T> {
  for (;;) {
    const state = await read();
    if (isFinalStatus(state.status)) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The workflow queue of a standalone session unless --workflow-queue names another. */
export const DEFAULT_WORKFLOW_QUEUE = "stint-dev";

/**
 * The environment a standalone session's runs belong to. Sessions on one Temporal server with different workflow
 * queues are separate engines, so each is an environment of its own: queue gates (and idempotency keys, run lists)
 * are per environment, and a gate another session created lives on that session's task queues, which nobody may poll
 * any more — a session sharing it would wait on it forever. The default queue keeps `env_dev`, as runs before had.
 */
export function standaloneEnvironmentId(workflowQueue: string): string {
  return workflowQueue === DEFAULT_WORKFLOW_QUEUE ? "env_dev" : `env_dev.${workflowQueue}`;
}

export async function startStandaloneBackend(options: {
  temporalAddress?: string;
  namespace: string;
  workflowQueue: string;
  attemptQueue: string;
  uiPort?: number;
  stateDir: string;
  retriesEnabled: boolean;
  projectRef: string;
  executor: DevExecutor;
}): Promise<DevBackend> {
  let server: SupervisedDevServer | undefined;
  const address = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
  if (!address)
    server = await startLocalTemporal({
      stateDir: options.stateDir,
      uiPort: options.uiPort,
      namespace: options.namespace,
    });
  const temporalAddress = address ?? server!.address;
  const connection = await connectTemporal({ address: temporalAddress, channelArgs: RECONNECT_CHANNEL_ARGS });
  // A server this process did not start may lack Stint's search attributes (a dev server it starts gets them as flags):
  // without them no run can start there.
  if (address) {
    await ensureSearchAttributes(connection, options.namespace).catch((error: Error) =>
      console.error(
        `Could not register Stint's search attributes on the Temporal server at ${address} (${error.message}): no run can start there until they exist ` +
          "(an admin adds them with `temporal operator search-attribute create`; names and types in docs/architecture.md), or run stint dev without --temporal-address.",
      ),
    );
  }
  // One line when Temporal is lost and one when it is back (the workers reconnect by themselves at the same address).
  const reachability = new TemporalReachability(() => connection, {
    onLost: (reason) => console.log(`[${time()}] Lost Temporal at ${temporalAddress} (${reason}); reconnecting…`),
    onBack: () => console.log(`[${time()}] Reconnected to Temporal at ${temporalAddress}`),
  }).start();
  // The dev server failed again and again: stop rather than run on without it.
  void server?.gaveUp.then((error) => {
    console.error(`[${time()}] ${error.message}: stopping stint dev`);
    process.exit(1);
  });
  const client = new Client({ connection, namespace: options.namespace, dataConverter: stintDataConverter });
  // Large payloads and outputs: the embedded object store in the state folder (no webapp serves presigned URLs here).
  const objects = new FileObjectStore({
    root: join(options.stateDir, "objects"),
    publicUrl: "http://127.0.0.1",
    maxUploadBytes: MAX_PACKET_BYTES,
  });
  const packets = objectPacketStore(objects, "packets");
  const engine = new StintEngineClient({
    client,
    workflowTaskQueue: options.workflowQueue,
    attemptQueue: options.attemptQueue,
    environment: {
      id: standaloneEnvironmentId(options.workflowQueue),
      slug: "dev",
      type: "DEVELOPMENT",
      projectRef: options.projectRef,
    },
    // Trigger.dev semantics: retries are off in dev unless the config enables them.
    settings: { retriesEnabled: options.retriesEnabled },
    packets,
  });
  const workers = await createStintWorkers({
    client,
    address: temporalAddress,
    namespace: options.namespace,
    workflowTaskQueue: options.workflowQueue,
    attempts: { taskQueue: options.attemptQueue, executor: options.executor, packets },
  });
  const running = workers.run();
  setClientRuntime(engine);
  return {
    temporalAddress,
    temporalUiUrl: server?.uiUrl,
    namespace: options.namespace,
    queues: () => [
      { name: options.workflowQueue, kind: "workflows" },
      { name: options.attemptQueue, kind: "attempts" },
    ],
    describe: () => [
      `Temporal:    ${temporalAddress}${server ? ` (dev server, state in ${options.stateDir})` : ""}`,
      ...(server?.uiUrl ? [`Temporal UI: ${server.uiUrl}/namespaces/${options.namespace}/workflows`] : []),
    ],
    // The engine enforces the queues' declared limits; schedules need the webapp (Temporal Schedules per environment).
    async register(project) {
      await Promise.all(
        project.queues.map((queue) => engine.configureQueue(queue.name, { declaredLimit: queue.concurrencyLimit })),
      );
    },
    trigger: async (taskId, payload) => (await engine.trigger({ task: taskId, payload })).id,
    waitForResult: async (runId) => {
      const state = await pollUntilFinal(() => engine.retrieveRun(runId));
      return { status: state.status, detail: state.status === "COMPLETED" ? state.output : state.error };
    },
    async stop() {
      await reachability.stop();
      setClientRuntime(undefined);
      await workers.shutdown();
      await running.catch(() => undefined);
      await connection.close();
      await server?.stop();
    },
  };
}

export async function startWebappBackend(
  target: WebappTarget,
  project: ProjectDeclarations,
  identity: SessionIdentity,
  executor: DevExecutor,
): Promise<DevBackend> {
  const warnings = new ClashWarnings();
  let session = await registerDevSession(target, project, identity);
  warnings.report(session.clashes);
  const shipper = new LogShipper(target);
  executor.shipLogsTo(shipper.push);
  // Large payloads and outputs through the webapp's packets API (the session holds the environment's key).
  const packets = new ApiPacketStore({ apiUrl: target.apiUrl, secretKey: target.secretKey });
  // Heartbeats, reconnection and moves of Temporal (the webapp says where it is). One attempt queue per session,
  // whatever the number of tasks: the engine routes each run's execution to it.
  const moved = new Set<() => void>();
  const keeper = await SessionKeeper.start(
    target,
    session,
    { executor, packets },
    { onMoved: () => moved.forEach((listener) => listener()), onClashes: (clashes) => warnings.report(clashes) },
  );
  await keeper.update(session, [session.attemptQueue]);

  return {
    get temporalAddress() {
      return keeper.address;
    },
    namespace: keeper.namespace,
    get webapp() {
      return { url: target.apiUrl, sessionId: session.id };
    },
    queues: () => keeper.queues.map((name) => ({ name, kind: "attempts" as const })),
    onTemporalMoved: (listener) => void moved.add(listener),
    environmentLabel: `${session.environment.slug ?? "dev"} (${session.environment.id})`,
    describe: () => [
      `Dev session: ${session.id}`,
      `Temporal:    ${keeper.address}, attempt queue ${session.attemptQueue}`,
    ],
    async register(latest) {
      session = await registerDevSession(target, latest, identity, session.id);
      warnings.report(session.clashes);
      await keeper.update(session, [session.attemptQueue]);
    },
    trigger: (taskId, payload) => triggerViaWebapp(target, taskId, payload),
    waitForResult: async (runId) => {
      const run = await pollUntilFinal(() => runStatusViaWebapp(target, runId));
      return { status: run.status, detail: run.status === "COMPLETED" ? run.output : run.error };
    },
    async stop() {
      // Ended first: the engine sends no new runs here while the worker drains.
      await endDevSession(target, session.id).catch((error: Error) =>
        console.error(`[stint dev] ending the session: ${error.message}`),
      );
      await keeper.stop();
      await shipper.stop();
    },
  };
}
