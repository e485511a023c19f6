/** `stint status`: is the project's `stint dev` session up, is its Temporal reachable, who polls its queues. */
import { join, resolve } from "node:path";
import { Connection } from "@temporalio/client";
import { readSession } from "../session-file.js";

export async function runStatus(cwd: string, stateDir?: string): Promise<number> {
  const dir = resolve(stateDir ?? join(resolve(cwd), ".stint"));
  const session = readSession(dir);
  if (!session) {
    console.log(`No stint dev session recorded in ${dir}. Start one with \`stint dev\`.`);
    return 1;
  }
  console.log(`Project:   ${session.projectDir}`);
  console.log(`Temporal:  ${session.temporalAddress}${session.temporalUiUrl ? ` (UI ${session.temporalUiUrl})` : ""}`);
  console.log(`Tasks:     ${session.taskIds.join(", ")}`);
  let alive = true;
  try {
    process.kill(session.pid, 0);
  } catch {
    alive = false;
  }
  console.log(`Process:   ${session.pid} ${alive ? "running" : "not running"}`);
  try {
    const connection = await Connection.connect({ address: session.temporalAddress, connectTimeout: 2_000 });
    const info = await connection.workflowService.getSystemInfo({});
    console.log(`Server:    reachable (Temporal ${info.serverVersion || "dev"})`);
    for (const [queue, kind] of [
      [session.workflowTaskQueue, 1],
      [session.attemptQueue, 2],
    ] as const) {
      const description = await connection.workflowService.describeTaskQueue({ namespace: session.namespace, taskQueue: { name: queue }, taskQueueType: kind });
      console.log(`Queue:     ${queue} — ${description.pollers?.length ?? 0} poller(s)`);
    }
    await connection.close();
    return alive ? 0 : 1;
  } catch (error) {
    console.log(`Server:    unreachable (${(error as Error).message})`);
    return 1;
  }
}
