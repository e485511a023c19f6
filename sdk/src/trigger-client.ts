/**
 * `new TriggerClient(config)`: the management API bound to one webapp and key, for code that talks to several
 * environments at once. Each call runs with `config` over the global configuration (auth.withAuth), so it never sees
 * another client's key.
 */
import { withAuth, type ApiClientConfiguration } from "./auth.js";
import { batch } from "./batch.js";
import { deployments } from "./deployments.js";
import { envvars } from "./envvars.js";
import { prompts } from "./prompts.js";
import { publicTokens } from "./public-tokens.js";
import { queues } from "./queues.js";
import { runs } from "./runs.js";
import * as schedules from "./schedules.js";
import { tasks } from "./tasks-api.js";

export type TriggerClientConfig = ApiClientConfiguration & { inheritContext?: boolean };

type AnyFunction = (...args: any[]) => any;

/** `api` with each function (one level of nesting too) called under `config`. */
function bound<T extends object>(api: T, config: ApiClientConfiguration, keys?: readonly (keyof T)[]): T {
  const out: Record<PropertyKey, unknown> = {};
  for (const key of keys ?? (Object.keys(api) as (keyof T)[])) {
    const value = api[key] as unknown;
    if (typeof value === "function")
      out[key as PropertyKey] = (...args: unknown[]) => withAuth(config, () => (value as AnyFunction).apply(api, args));
    else if (value && typeof value === "object") out[key as PropertyKey] = bound(value as object, config);
  }
  return out as T;
}

export class TriggerClient {
  readonly tasks;
  readonly runs;
  readonly batch;
  readonly deployments;
  readonly envvars;
  readonly prompts;
  readonly queues;
  readonly schedules;
  readonly auth;

  constructor(config: TriggerClientConfig = {}) {
    const { inheritContext: _inherit, ...api } = config;
    this.tasks = bound(tasks, api, ["trigger", "batchTrigger"]);
    this.runs = bound(runs, api);
    this.batch = bound(batch, api, ["trigger", "triggerByTask", "retrieve"]);
    this.deployments = bound(deployments, api);
    this.envvars = bound(envvars, api);
    this.prompts = prompts;
    this.queues = bound(queues, api);
    this.schedules = bound({ ...schedules }, api, [
      "activate",
      "create",
      "deactivate",
      "del",
      "list",
      "retrieve",
      "update",
    ]);
    this.auth = bound(publicTokens, api, [
      "createPublicToken",
      "createTriggerPublicToken",
      "createBatchTriggerPublicToken",
    ]);
  }
}
