/**
 * A webapp for one test file: a fresh database on the real PostgreSQL, the webapp on a free port with its own engine
 * task queue, one project with its environments and keys, and `stint dev`-style sessions: registered through the
 * dev-session API, heartbeating, and executing on their attempt queue the tasks the test file defines (with Stint's
 * SDK). Tests then talk to the webapp over HTTP, mostly through the real `@trigger.dev/sdk` client.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { Client, Connection } from "@temporalio/client";
import {
  ApiPacketStore,
  InProcessExecutor,
  createStintWorkers,
  type StintWorkers,
  stintDataConverter,
} from "@stint/temporal-workers";
import {
  createEmptyDatabase,
  createOrganization,
  createProject,
  startWebapp,
  type CreatedProject,
  type Webapp,
  type WebappOptions,
} from "../../src/index.js";

export interface TestWebapp {
  webapp: Webapp;
  project: CreatedProject;
  dev: CreatedProject["environments"][number];
  prod: CreatedProject["environments"][number];
  /** Registers a dev session serving these tasks and executes its attempts, as `stint dev` would. */
  /** A dev session of these tasks (declaring `queues`, as `stint dev` does), served in this process. */
  serveTasks(taskIds: string[], options?: { queues?: unknown[] }): Promise<{ sessionId: string }>;
  stop(): Promise<void>;
}

export async function createTestDatabase(): Promise<string> {
  return createEmptyDatabase(inject("postgresAdminUrl"), inject("testDatabasePrefix"));
}

/** With `bootstrap: true` the webapp runs first boot (admin, organisation, example project) and the test's project joins that organisation. */
export async function startTestWebapp(
  options: Pick<
    WebappOptions,
    | "dispatchRuns"
    | "ui"
    | "temporalUiUrl"
    | "log"
    | "github"
    | "bootstrap"
    | "objectStore"
    | "clickhouseUrl"
    // A database and engine another webapp process already uses (a standby beside it).
    | "databaseUrl"
    | "engineTaskQueue"
  > & {
    /** The Temporal address the webapp tells worker servers and sessions (WebappOptions.temporal.publicAddress). */
    temporalPublicAddress?: string;
  } = {},
): Promise<TestWebapp> {
  const address = inject("temporalAddress");
  const { temporalPublicAddress, ...webappOptions } = options;
  const suffix = randomUUID().slice(0, 8);
  const webapp = await startWebapp({
    port: 0,
    databaseUrl: await createTestDatabase(),
    temporal: { address, publicAddress: temporalPublicAddress },
    engineTaskQueue: `stint-engine-${suffix}`,
    bootstrap: false,
    ui: false,
    dataDir: mkdtempSync(join(tmpdir(), "stint-test-webapp-")),
    // Tests never pick up the machine's GitHub OAuth settings.
    github: null,
    // …nor its ClickHouse: run logs stay in the test database unless a test asks for ClickHouse.
    clickhouseUrl: null,
    ...webappOptions,
  });
  const org = options.bootstrap
    ? await webapp.db.organization.findFirstOrThrow({ orderBy: { createdAt: "asc" } })
    : await createOrganization(webapp.db, `Test ${suffix}`);
  const project = await createProject(webapp.db, org.id, `Project ${suffix}`);
  const dev = project.environments.find((env) => env.type === "DEVELOPMENT")!;
  const prod = project.environments.find((env) => env.type === "PRODUCTION")!;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: stintDataConverter });
  const workers: StintWorkers[] = [];
  const heartbeats: NodeJS.Timeout[] = [];
  return {
    webapp,
    project,
    dev,
    prod,
    async serveTasks(taskIds, options = {}) {
      const sessionApi = (path: string, body: unknown) =>
        fetch(`${webapp.url}/engine/v1/dev/sessions${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${dev.secretKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const response = await sessionApi("", {
        tasks: taskIds,
        label: "test harness",
        ...(options.queues ? { queues: options.queues } : {}),
      });
      if (!response.ok)
        throw new Error(`registering a dev session failed (${response.status}): ${await response.text()}`);
      const session = (await response.json()) as { id: string; attemptQueue: string };
      const w = await createStintWorkers({
        client,
        address,
        workflowTaskQueue: "unused",
        runEngine: false,
        attempts: {
          taskQueue: session.attemptQueue,
          executor: new InProcessExecutor(),
          // Large payloads and outputs through the webapp's packets API, as a `stint dev` session reaches them.
          packets: new ApiPacketStore({ apiUrl: webapp.url, secretKey: dev.secretKey }),
        },
      });
      void w.run();
      workers.push(w);
      const beat = setInterval(() => void sessionApi(`/${session.id}/heartbeat`, {}).catch(() => undefined), 10_000);
      beat.unref();
      heartbeats.push(beat);
      return { sessionId: session.id };
    },
    async stop() {
      heartbeats.forEach(clearInterval);
      await Promise.all(workers.map((w) => w.shutdown()));
      await connection.close();
      await webapp.stop();
    },
  };
}

/**
 * Points a copied fixture project at `projectRef` (its trigger.config.ts `project`): a `stint dev` session with a
 * secret key joins only the project the key belongs to.
 */
export function useProjectRef(projectDir: string, projectRef: string): void {
  const file = join(projectDir, "trigger.config.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace(/project:\s*"[^"]*"/, `project: "${projectRef}"`));
}
