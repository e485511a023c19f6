/**
 * Named concurrency limits (`concurrencyLimit({ name, total, perKey })`, shared by tasks across queues). Stint
 * enforces queue limits only: a declaration loads and can be passed around, the `concurrencyLimits.*` management
 * calls fail naming the feature.
 */
import { unsupported } from "./unsupported.js";

export interface ConcurrencyLimitOptions {
  name: string;
  total?: number;
  perKey?: number;
  description?: string;
}
export type ConcurrencyLimit = ConcurrencyLimitOptions & { type: "concurrencyLimit" };

export function concurrencyLimit(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  if (typeof options?.name !== "string" || options.name.length === 0)
    throw new TypeError("concurrencyLimit: name is required");
  return { ...options, type: "concurrencyLimit" };
}

const call =
  (name: string) =>
  (..._args: unknown[]): never =>
    unsupported(`concurrencyLimits.${name} (named concurrency limits; use queues.* for queue limits)`);

export const concurrencyLimits = {
  list: call("list"),
  retrieve: call("retrieve"),
  override: call("override"),
  reset: call("reset"),
  pause: call("pause"),
  resume: call("resume"),
};
