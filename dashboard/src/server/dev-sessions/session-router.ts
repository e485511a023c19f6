/**
 * Where the engine sends an execution of a development run: the attempt queue of the newest live `stint dev` session
 * that registered the run's task (see live-sessions.ts). With none, the run waits QUEUED and this says why (the run
 * page and runs.retrieve show it).
 */
import type { AttemptRoute, AttemptRouteRequest, AttemptRouter } from "@stint/temporal-workers";
import type { Database } from "../database/prisma-client.js";
import { liveSessions, type LiveSession } from "./live-sessions.js";

export function noSessionReason(taskIdentifier: string, live: { tasks: string[] }[]): string {
  const waits = `the run starts when a \`stint dev\` session that registers "${taskIdentifier}" connects`;
  if (live.length === 0) return `No stint dev session is connected to this environment: ${waits}.`;
  const served = [...new Set(live.flatMap((s) => s.tasks))].sort();
  const shown = served.slice(0, 10).join(", ") + (served.length > 10 ? `, … (${served.length} in all)` : "");
  const sessions =
    live.length === 1
      ? "The stint dev session connected to this environment does not serve"
      : `None of the ${live.length} stint dev sessions connected to this environment serve`;
  return `${sessions} task "${taskIdentifier}" (${live.length === 1 ? "it serves" : "they serve"}: ${shown}): ${waits}.`;
}

export class DevSessionRouter implements AttemptRouter {
  /** Per environment: the read under way, and the one queued behind it for the executions that came since. */
  private readonly reads = new Map<string, { current?: Promise<LiveSession[]>; next?: Promise<LiveSession[]> }>();

  constructor(private readonly db: Database) {}

  /** Asked for every execution of a development run. */
  async route(request: AttemptRouteRequest): Promise<AttemptRoute> {
    const live = await this.liveSessions(request.environmentId);
    const serving = live.find((session) => session.tasks.includes(request.taskIdentifier));
    if (serving) return { taskQueue: serving.taskQueue, sessionId: serving.id };
    return { reason: noSessionReason(request.taskIdentifier, live) };
  }

  /**
   * The environment's live sessions, read after this call began (a session that connected just before is seen). A
   * burst of executions shares reads: those arriving while one is under way share the next one.
   */
  private liveSessions(environmentId: string): Promise<LiveSession[]> {
    let reads = this.reads.get(environmentId);
    if (!reads) this.reads.set(environmentId, (reads = {}));
    const state = reads;
    if (!state.current) {
      state.current = liveSessions(this.db, environmentId).finally(() => {
        state.current = undefined;
      });
      return state.current;
    }
    state.next ??= state.current
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        state.next = undefined;
        return this.liveSessions(environmentId);
      });
    return state.next;
  }
}
