/**
 * Every JSON answer shows task values as JSON can (a BigInt as its digits, a cycle as "[Circular]", a Map as an
 * object: Trigger.dev's printing), so a run whose payload, output or metadata holds one is answered, never a 500.
 * Task code and SDK-parsed packets still get the values themselves (see encodePacket).
 */
import type { MiddlewareHandler } from "hono";
import { toJsonSafe } from "@stint/sdk/runtime";

export const jsonSafeResponses: MiddlewareHandler = async (c, next) => {
  const json = c.json;
  c.json = ((object: unknown, ...rest: unknown[]) =>
    (json as (...args: unknown[]) => Response)(toJsonSafe(object), ...rest)) as typeof c.json;
  await next();
};
