/**
 * Management calls of task code on worker servers: the runner has no network and no key, so its supervisor relays
 * each REST API request with its group's worker token and names the run it acts for (API_RELAY_HEADERS). The request
 * then acts for the run's environment, as if sent with that environment's key — but only while the run executes, in
 * a deployed environment the token's worker group serves, from a server of that group that is connected. The
 * environment's secret key never leaves the webapp.
 */
import { z } from "zod";
import { API_RELAY_HEADERS } from "@stint/temporal-workers";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { ApiError } from "../api/api-error.js";
import { ownedRun } from "../api/ownership.js";
import { statusFlags } from "../api/run-presenter.js";
import type { ApiServices } from "../api/services.js";
import { deployedEnvironment } from "../api/routes/worker-environment.js";
import { parseValue } from "../api/validation.js";
import { workerGroupFromAuthorization } from "./worker-authenticator.js";

/** A run found executing is trusted for this long: a task making many calls costs one Temporal query per window. */
const EXECUTING_CACHE_MS = 2_000;

const relayHeadersSchema = z.object({
  [API_RELAY_HEADERS.run]: z.string().regex(/^run_[a-z0-9]+$/i, 'expected a run id, "run_…"'),
  [API_RELAY_HEADERS.environment]: z.string().min(1).max(100),
  [API_RELAY_HEADERS.server]: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "expected the supervisor's server name (--name)"),
});

/** Whether a request says it was relayed for a run (a worker route must never answer one). */
export function isRelayedRequest(header: (name: string) => string | undefined): boolean {
  return header(API_RELAY_HEADERS.run) !== undefined;
}

export class RelayedRunAuthenticator {
  private readonly executing = new Map<string, number>();

  constructor(private readonly services: ApiServices) {}

  /** The environment a relayed request acts for, or a 401/403 saying why the relay may not act. */
  async environmentFor(
    authorization: string | undefined,
    header: (name: string) => string | undefined,
  ): Promise<AuthenticatedEnvironment> {
    const group = await workerGroupFromAuthorization(this.services.db, authorization);
    const names = Object.values(API_RELAY_HEADERS);
    const relay = parseValue(
      relayHeadersSchema,
      Object.fromEntries(names.map((name) => [name, header(name)])),
      "relay headers",
    );
    const runId = relay[API_RELAY_HEADERS.run];
    const serverName = relay[API_RELAY_HEADERS.server];
    const env = await deployedEnvironment(this.services, relay[API_RELAY_HEADERS.environment], group);
    const key = `${group.id}/${serverName}/${env.id}/${runId}`;
    if ((this.executing.get(key) ?? 0) > Date.now()) return env;

    const server = await this.services.db.workerServer.findUnique({
      where: { groupId_name: { groupId: group.id, name: serverName } },
      select: { disconnectedAt: true },
    });
    if (!server || server.disconnectedAt)
      throw new ApiError(
        403,
        `Worker server ${serverName} of group ${group.name} is not connected: only a registered supervisor relays the calls of the runs it executes`,
      );
    const run = await ownedRun(this.services.engines.for(env), env, runId, this.services.db).catch((error) => {
      throw error instanceof ApiError && error.status === 404
        ? new ApiError(403, `Run ${runId} is not a run of environment ${env.id}: a supervisor acts only for its runs`)
        : error;
    });
    const flags = statusFlags(run.status);
    if (!flags.isExecuting && !flags.isWaiting)
      throw new ApiError(
        403,
        `Run ${runId} is ${run.status}, not executing: a supervisor relays calls only for the runs it executes`,
      );
    this.remember(key);
    return env;
  }

  private remember(key: string): void {
    const now = Date.now();
    if (this.executing.size > 10_000)
      for (const [stale, until] of this.executing) if (until <= now) this.executing.delete(stale);
    this.executing.set(key, now + EXECUTING_CACHE_MS);
  }
}
