/**
 * `stint status`: is the project's `stint dev` session up, is its Temporal reachable, and does the session poll every
 * task queue it serves (a poller's identity is `<pid>@<host>`, so the session's own pollers can be told apart); and,
 * with a personal access token (`stint login`, or TRIGGER_ACCESS_TOKEN with TRIGGER_API_URL), the current deployment
 * of each deployed environment of the project, queue depths per queue and environment, and the worker servers
 * (Connected or not, running / capacity). `--json` prints the same as one JSON object. The exit code is about
 * the dev session: 1 when there is none, it is gone, or it does not poll its queues.
 */
import { join, resolve } from "node:path";
import type { Connection } from "@temporalio/client";
import { connectTemporal } from "@stint/temporal-workers";
import { readSession, type PolledQueue } from "../session-file.js";
import { statusOfProject, type ProjectDeployments, type ProjectStatus } from "./status-deployments.js";

const TASK_QUEUE_TYPE = { workflows: 1, attempts: 2 } as const;

export interface StatusOptions {
  /** Print one JSON object instead of lines. */
  json?: boolean;
  /** The `stint login` profile to read deployments with (default: the current one). */
  profile?: string;
}

interface SessionStatus {
  stateDir: string;
  recorded: boolean;
  projectDir?: string;
  mode?: string;
  webapp?: { url: string; sessionId: string };
  temporal?: {
    address: string;
    namespace: string;
    uiUrl?: string;
    reachable: boolean;
    serverVersion?: string;
    error?: string;
  };
  tasks?: string[];
  process?: { pid: number; running: boolean };
  queues?: Array<PolledQueue & { pollers: number; fromThisSession: number }>;
  healthy: boolean;
}

export async function runStatus(cwd: string, stateDir?: string, options: StatusOptions = {}): Promise<number> {
  const projectDir = resolve(cwd);
  const session = await sessionStatus(resolve(stateDir ?? join(projectDir, ".stint")));
  const fleet = await statusOfProject(projectDir, options.profile);
  if (options.json) console.log(JSON.stringify({ devSession: session, ...fleet }, null, 2));
  else
    for (const line of [...sessionLines(session), ...deploymentLines(fleet.deployments), ...fleetLines(fleet)])
      console.log(line);
  return session.healthy ? 0 : 1;
}

async function sessionStatus(dir: string): Promise<SessionStatus> {
  const session = readSession(dir);
  if (!session) return { stateDir: dir, recorded: false, healthy: false };
  let running = true;
  try {
    process.kill(session.pid, 0);
  } catch {
    running = false;
  }
  const status: SessionStatus = {
    stateDir: dir,
    recorded: true,
    projectDir: session.projectDir,
    mode: session.webapp ? "webapp" : "standalone",
    webapp: session.webapp,
    temporal: {
      address: session.temporalAddress,
      namespace: session.namespace,
      uiUrl: session.temporalUiUrl,
      reachable: false,
    },
    tasks: session.taskIds,
    process: { pid: session.pid, running },
    healthy: false,
  };
  let connection: Connection;
  try {
    connection = await connectTemporal({ address: session.temporalAddress, connectTimeout: 2_000 });
    const info = await connection.workflowService.getSystemInfo({});
    status.temporal = { ...status.temporal!, reachable: true, serverVersion: info.serverVersion || "dev" };
  } catch (error) {
    status.temporal = { ...status.temporal!, error: (error as Error).message };
    return status;
  }
  try {
    status.queues = [];
    for (const queue of session.queues) {
      const pollers = await pollerIdentities(connection, session.namespace, queue);
      status.queues.push({
        ...queue,
        pollers: pollers.length,
        fromThisSession: pollers.filter((identity) => identity.startsWith(`${session.pid}@`)).length,
      });
    }
    status.healthy = running && status.queues.every((queue) => queue.fromThisSession > 0);
    return status;
  } finally {
    await connection.close();
  }
}

function sessionLines(status: SessionStatus): string[] {
  if (!status.recorded) return [`No stint dev session recorded in ${status.stateDir}. Start one with \`stint dev\`.`];
  const temporal = status.temporal!;
  const lines = [
    `Project:   ${status.projectDir}`,
    `Mode:      ${status.webapp ? `session ${status.webapp.sessionId} of the webapp at ${status.webapp.url}` : "standalone"}`,
    `Temporal:  ${temporal.address} (namespace ${temporal.namespace})${temporal.uiUrl ? `, UI ${temporal.uiUrl}` : ""}`,
    `Tasks:     ${status.tasks?.join(", ") || "(none)"}`,
    `Process:   ${status.process!.pid} ${status.process!.running ? "running" : "not running"}`,
    temporal.reachable
      ? `Server:    reachable (Temporal ${temporal.serverVersion})`
      : `Server:    unreachable (${temporal.error})`,
  ];
  for (const queue of status.queues ?? []) {
    lines.push(
      `Queue:     ${queue.name} (${queue.kind}) — ${queue.pollers} poller(s)${queue.fromThisSession ? "" : ", none from this session"}`,
    );
  }
  return lines;
}

function deploymentLines(deployments: ProjectDeployments): string[] {
  if (deployments.kind === "unavailable") return [`Deployed:  ${deployments.reason}`];
  const lines: string[] = [];
  for (const env of deployments.environments) {
    const label = env.type.toLowerCase().padEnd(10);
    const current = env.current
      ? `${env.current.version} (${env.current.shortCode}, ${env.current.tasks} task(s)), current since ${env.current.since} (${env.current.promotedBy})`
      : "nothing deployed yet";
    const latest =
      env.latest && env.latest.id !== env.current?.id ? `; latest: ${env.latest.version} ${env.latest.status}` : "";
    lines.push(`Deployed:  ${label} ${current}${latest}`);
  }
  return lines;
}

/** Queue depths per environment and the worker servers, one line each. */
function fleetLines(fleet: ProjectStatus): string[] {
  const lines: string[] = [];
  for (const queue of fleet.queues ?? []) {
    const limit = queue.concurrencyLimit === null ? "" : `/${queue.concurrencyLimit}`;
    const rate = (r: { limit: number; period: string; burst?: number }) =>
      `${r.limit}/${r.period}${r.burst && r.burst > 1 ? ` burst ${r.burst}` : ""}`;
    const extras = [
      queue.rateLimit && `rate ${rate(queue.rateLimit)}`,
      queue.rateLimitPerKey && `rate per key ${rate(queue.rateLimitPerKey)}`,
      queue.concurrencyLimitPerKey != null && `${queue.concurrencyLimitPerKey} per key`,
    ].filter(Boolean);
    const keys = (queue.keys ?? []).filter((key) => key.concurrencyKey !== "");
    lines.push(
      `Queue:     ${queue.environmentType.toLowerCase().padEnd(11)} ${queue.name} — ${queue.queued} queued, ${queue.running}${limit} running${queue.paused ? " (paused)" : ""}${extras.length ? `; ${extras.join(", ")}` : ""}${keys.length ? `; keys: ${keys.map((key) => `${key.concurrencyKey} ${key.running} running ${key.waiting} waiting`).join(", ")}` : ""}`,
    );
  }
  if (fleet.workers && fleet.workers.length === 0) lines.push("Workers:   no worker server has registered yet");
  for (const server of fleet.workers ?? []) {
    lines.push(
      `Worker:    ${server.group}/${server.name} ${server.connected ? "Connected" : "Disconnected"}, ${server.running}/${server.capacity} running (${server.executor}), last heartbeat ${server.lastHeartbeatAt}`,
    );
  }
  return lines;
}

async function pollerIdentities(connection: Connection, namespace: string, queue: PolledQueue): Promise<string[]> {
  const description = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: queue.name },
    taskQueueType: TASK_QUEUE_TYPE[queue.kind],
  });
  return (description.pollers ?? []).map((poller) => poller.identity ?? "");
}
