/**
 * `stint status`: is the project's `stint dev` session up, is its Temporal reachable, and does the session poll every
 * task queue it serves (a poller's identity is `<pid>@<host>`, so the session's own pollers can be told apart).
 */
import { join, resolve } from "node:path";
import { Connection } from "@temporalio/client";
import { readSession, type PolledQueue } from "../session-file.js";

const TASK_QUEUE_TYPE = { workflows: 1, attempts: 2 } as const;

export async function runStatus(cwd: string, stateDir?: string): Promise<number> {
  const dir = resolve(stateDir ?? join(resolve(cwd), ".stint"));
  const session = readSession(dir);
  if (!session) {
    console.log(`No stint dev session recorded in ${dir}. Start one with \`stint dev\`.`);
    return 1;
  }
  console.log(`Project:   ${session.projectDir}`);
  console.log(`Mode:      ${session.webapp ? `session ${session.webapp.sessionId} of the webapp at ${session.webapp.url}` : "standalone"}`);
  console.log(`Temporal:  ${session.temporalAddress} (namespace ${session.namespace})${session.temporalUiUrl ? `, UI ${session.temporalUiUrl}` : ""}`);
  console.log(`Tasks:     ${session.taskIds.join(", ") || "(none)"}`);
  let alive = true;
  try {
    process.kill(session.pid, 0);
  } catch {
    alive = false;
  }
  console.log(`Process:   ${session.pid} ${alive ? "running" : "not running"}`);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: session.temporalAddress, connectTimeout: 2_000 });
    const info = await connection.workflowService.getSystemInfo({});
    console.log(`Server:    reachable (Temporal ${info.serverVersion || "dev"})`);
  } catch (error) {
    console.log(`Server:    unreachable (${(error as Error).message})`);
    return 1;
  }
  try {
    let allPolled = true;
    for (const queue of session.queues) {
      const pollers = await pollerIdentities(connection, session.namespace, queue);
      const ours = pollers.filter((identity) => identity.startsWith(`${session.pid}@`)).length;
      if (ours === 0) allPolled = false;
      console.log(`Queue:     ${queue.name} (${queue.kind}) — ${pollers.length} poller(s)${ours ? "" : ", none from this session"}`);
    }
    return alive && allPolled ? 0 : 1;
  } finally {
    await connection.close();
  }
}

async function pollerIdentities(connection: Connection, namespace: string, queue: PolledQueue): Promise<string[]> {
  const description = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: queue.name }, taskQueueType: TASK_QUEUE_TYPE[queue.kind] });
  return (description.pollers ?? []).map((poller) => poller.identity ?? "");
}
