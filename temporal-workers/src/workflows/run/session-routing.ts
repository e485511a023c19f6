/** Routing: which live `stint dev` session gets an execution of a routed (development) run. */
import * as wf from "@temporalio/workflow";
import { attemptRoutesChangedSignal } from "../../shared/messages.js";
import type { EngineActivities } from "../../activities/attempt-activity-types.js";
import type { AttemptRoute, AttemptRouteRequest } from "../../shared/attempt-routing.js";
import type { RunContext } from "./run-context.js";

export class SessionRouting {
  private routesChanged = false;

  constructor(
    private readonly run: RunContext,
    private readonly engine: EngineActivities,
  ) {
    wf.setHandler(attemptRoutesChangedSignal, () => {
      this.routesChanged = true;
    });
  }

  /**
   * The queue of the session that gets this execution; while no session has the task, waits QUEUED saying why.
   * `firstAsk`: how to ask the first time (the queue slot asks for admission along with it).
   */
  async awaitRoute(
    deadline: number | undefined,
    firstAsk: (request: AttemptRouteRequest) => Promise<AttemptRoute> = (request) => this.engine.routeAttempt(request),
  ): Promise<string | "expired"> {
    const { run } = this;
    const request: AttemptRouteRequest = {
      environmentId: run.input.environment.id,
      taskIdentifier: run.input.item.task,
      runId: run.input.runId,
    };
    // The webapp signals when a session registers the task; asking again now and then covers a missed signal.
    for (let retryMs = 1_000, first = true; ; retryMs = Math.min(retryMs * 2, 120_000), first = false) {
      this.routesChanged = false;
      const route = first ? await firstAsk(request) : await this.engine.routeAttempt(request);
      if (route.taskQueue !== undefined) {
        run.setStatusReason(undefined);
        return route.taskQueue;
      }
      run.setStatusReason(route.reason);
      if (deadline !== undefined && deadline <= Date.now()) return "expired";
      await wf.condition(
        () => this.routesChanged,
        Math.max(1, deadline === undefined ? retryMs : Math.min(retryMs, deadline - Date.now())),
      );
    }
  }
}
