/**
 * Attempt routing for development environments: a run's attempt queue is not fixed when it is triggered. Each time
 * an execution starts, the engine asks a router (the webapp, which knows the live `stint dev` sessions) which
 * session's queue gets it: the newest live session that registered the task. With none, the run waits QUEUED with
 * the router's reason, until a session registers the task (the webapp signals waiting runs) or a retry finds one.
 */

/** The attempt queue of runs routed per execution (children inherit it). */
export const SESSION_ROUTED = "{session}";

export function isSessionRouted(attemptQueue: string): boolean {
  return attemptQueue === SESSION_ROUTED;
}

/** Each `stint dev` session polls one attempt queue, whatever the number of its tasks. */
export function sessionAttemptQueue(sessionId: string): string {
  return `dev-session.${sessionId}`;
}

export interface AttemptRouteRequest {
  environmentId: string;
  taskIdentifier: string;
  runId: string;
}

/** Where an execution goes, or why it cannot go anywhere yet. */
export type AttemptRoute = { taskQueue: string; sessionId: string } | { taskQueue?: undefined; reason: string };

export interface AttemptRouter {
  route(request: AttemptRouteRequest): Promise<AttemptRoute>;
}

/**
 * How long a routed attempt may wait in its session's queue before the engine routes it again: a session that died
 * (or stopped between being chosen and polling) never picks it up.
 */
export const ROUTED_SCHEDULE_TO_START_MS = 20_000;
