/**
 * Public access tokens, signed by the SDK as in Trigger.dev: the webapp gives the claims (`POST
 * /api/v1/auth/jwt/claims`, the environment), the SDK signs them with the secret key (HS256 JWT). The webapp verifies
 * them with the same key, so they work from task code in a webapp session as from a backend.
 */
import { withAuth } from "./auth.js";
import { callApi, webappConnection } from "./management-api.js";
import { unsupported } from "./unsupported.js";

const ISSUER = "https://id.trigger.dev";
const AUDIENCE = "https://api.trigger.dev";

type Ids = string | string[] | true;
/** `{ read: { runs: ["run_1"], tags: "x" } }` → `["read:runs:run_1", "read:tags:x"]`; `true` grants the whole resource. */
export type PublicTokenScopes = Record<string, boolean | Record<string, Ids | boolean | undefined> | undefined>;

export interface CreatePublicTokenOptions {
  scopes?: PublicTokenScopes;
  expirationTime?: number | Date | string;
  realtime?: unknown;
}

export interface CreateTriggerTokenOptions {
  multipleUse?: boolean;
  expirationTime?: number | Date | string;
  realtime?: unknown;
}

function scope(action: string, resource: string, id: string): string {
  if (!id.trim()) throw new TypeError("Public token scope resource IDs must not be empty");
  return `${action}:${resource}:${id}`;
}

export function flattenScopes(permissions: PublicTokenScopes): string[] {
  const flat: string[] = [];
  for (const [action, properties] of Object.entries(permissions)) {
    if (properties === true) flat.push(action);
    if (typeof properties !== "object" || properties === null) continue;
    for (const [resource, value] of Object.entries(properties)) {
      if (Array.isArray(value)) for (const id of value) flat.push(scope(action, resource, id));
      else if (typeof value === "string") flat.push(scope(action, resource, value));
      else if (value === true) flat.push(`${action}:${resource}`);
    }
  }
  return flat;
}

async function sign(
  payload: Record<string, unknown>,
  expirationTime: CreatePublicTokenOptions["expirationTime"],
  api: string,
): Promise<string> {
  const { key } = webappConnection(api);
  if (!key)
    throw new Error(
      `${api}: signing a public access token needs the environment's secret key, which task code on a worker server does not have; create the token in your backend, or pass a key with auth.withAuth({ accessToken }, …)`,
    );
  const claims = await callApi<Record<string, unknown>>("POST", "/api/v1/auth/jwt/claims", undefined, {
    what: api,
    retryPost: true,
  });
  const { SignJWT } = await import("jose");
  return new SignJWT({ ...claims, ...payload })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(expirationTime ?? "15m")
    .sign(new TextEncoder().encode(key));
}

async function createPublicToken(options: CreatePublicTokenOptions = {}): Promise<string> {
  return sign(
    { scopes: options.scopes ? flattenScopes(options.scopes) : undefined, realtime: options.realtime },
    options.expirationTime,
    "auth.createPublicToken",
  );
}

function triggerToken(action: "trigger" | "batchTrigger", api: string) {
  return (task: string | string[], options: CreateTriggerTokenOptions = {}): Promise<string> =>
    sign(
      {
        otu: typeof options.multipleUse === "boolean" ? !options.multipleUse : true,
        realtime: options.realtime,
        scopes: flattenScopes({ [action]: { tasks: task } }),
      },
      options.expirationTime,
      api,
    );
}

const createTriggerPublicToken = triggerToken("trigger", "auth.createTriggerPublicToken");
const createBatchTriggerPublicToken = triggerToken("batchTrigger", "auth.createBatchTriggerPublicToken");

export const publicTokens = {
  createPublicToken,
  createTriggerPublicToken,
  createBatchTriggerPublicToken,
  withPublicToken: async (options: CreatePublicTokenOptions, fn: () => Promise<void>): Promise<void> => {
    const token = await createPublicToken(options);
    await withAuth({ accessToken: token }, fn);
  },
  withTriggerPublicToken: async (
    task: string | string[],
    options: CreateTriggerTokenOptions,
    fn: () => Promise<void>,
  ): Promise<void> => {
    const token = await createTriggerPublicToken(task, options);
    await withAuth({ accessToken: token }, fn);
  },
  withBatchTriggerPublicToken: async (
    task: string | string[],
    options: CreateTriggerTokenOptions,
    fn: () => Promise<void>,
  ): Promise<void> => {
    const token = await createBatchTriggerPublicToken(task, options);
    await withAuth({ accessToken: token }, fn);
  },
  getOIDCToken: async (_options?: unknown): Promise<never> => unsupported("auth.getOIDCToken (OIDC tokens)"),
};
