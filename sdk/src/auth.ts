/**
 * configure() / auth: where the SDK sends API calls (a Stint webapp's Trigger-compatible REST API) and with which
 * key, and the public access tokens it signs — as the Trigger.dev SDK does. `auth.withAuth` scopes a configuration to
 * one async call chain, so concurrent calls with different keys do not see each other's.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface ApiClientConfiguration {
  baseURL?: string;
  accessToken?: string;
  secretKey?: string;
  previewBranch?: string;
  requestOptions?: Record<string, unknown>;
}

const KEY = Symbol.for("stint.sdk.apiConfig");
const SCOPE = Symbol.for("stint.sdk.apiConfigScope");

type Holder = Record<symbol, unknown>;
const holder = globalThis as unknown as Holder;
// Shared by every copy of the SDK in the process, like the rest of its state.
const scoped = (holder[SCOPE] ??=
  new AsyncLocalStorage<ApiClientConfiguration>()) as AsyncLocalStorage<ApiClientConfiguration>;

export function apiConfiguration(): ApiClientConfiguration {
  return {
    baseURL: process.env.TRIGGER_API_URL,
    accessToken: process.env.TRIGGER_SECRET_KEY ?? process.env.TRIGGER_ACCESS_TOKEN,
    ...(holder[KEY] as ApiClientConfiguration | undefined),
    ...scoped.getStore(),
  };
}

export function configure(options: ApiClientConfiguration): void {
  holder[KEY] = { ...options };
}

/** The configuration `auth.withAuth` set for this call chain, to carry into work that continues later (next pages). */
export function scopedConfiguration(): ApiClientConfiguration | undefined {
  return scoped.getStore();
}

/** Runs `fn` with `config` over the current configuration (for this call chain only). */
export function withAuth<T>(config: ApiClientConfiguration, fn: () => T): T {
  return scoped.run({ ...scoped.getStore(), ...config }, fn);
}

/** The public-token half of `auth` lives in public-tokens.ts; both are merged into `auth` in index.ts. */
export const authConfiguration = { configure, withAuth };
