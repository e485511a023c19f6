/**
 * Calls to a Stint webapp's REST API (the Trigger.dev-compatible one), with the key from configure() or
 * TRIGGER_API_URL / TRIGGER_SECRET_KEY — as the Trigger.dev SDK does. Task code in a webapp's `stint dev` session (and
 * on a worker server) has both set to its run's environment, so management calls act there.
 */
import { apiConfiguration } from "./auth.js";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "./core/errors.js";

/** A request task code's process cannot send itself (no network, no key), carried by the process that runs it. */
export interface ApiRelayRequest {
  method: string;
  /** The path and query, on the webapp (`/api/v3/runs/run_…`). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ApiRelayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends one request to the webapp on the caller's behalf: a deployed run's supervisor, acting for its environment. */
export type ApiRelay = (request: ApiRelayRequest) => Promise<ApiRelayResponse>;

/** Where relayed requests appear to go: never resolved, the relay sends only the path. */
const RELAY_ORIGIN = "http://stint-relay.invalid";
const RELAY = Symbol.for("stint.sdk.apiRelay");

/**
 * Installs (or removes) the relay management calls go through when this process has no webapp configured: a runner
 * on a worker server, whose supervisor forwards them to the webapp for its run's environment. A webapp and key the
 * task configured itself (configure(), auth.withAuth, TRIGGER_API_URL and TRIGGER_SECRET_KEY) still come first.
 */
export function setApiRelay(relay: ApiRelay | undefined): void {
  (globalThis as unknown as Record<symbol, ApiRelay | undefined>)[RELAY] = relay;
}

function apiRelay(): ApiRelay | undefined {
  return (globalThis as unknown as Record<symbol, ApiRelay | undefined>)[RELAY];
}

/**
 * How to reach the webapp: its URL and key with the global fetch, or — relayed — no key (the relay authenticates) and
 * a fetch that hands each request to the relay.
 */
export interface WebappConnection {
  baseURL: string;
  key: string | undefined;
  fetch: typeof fetch;
}

/** The configured webapp and key (or the relay standing in for them), or undefined when there is none. */
export function configuredWebapp(): WebappConnection | undefined {
  const { baseURL, accessToken, secretKey } = apiConfiguration();
  const key = accessToken ?? secretKey;
  if (baseURL && key) return { baseURL, key, fetch: globalThis.fetch };
  const relay = apiRelay();
  return relay ? { baseURL: RELAY_ORIGIN, key: undefined, fetch: relayedFetch(relay) } : undefined;
}

/** A fetch over the relay: the request's path, method, body and content headers; the answer read in full. */
function relayedFetch(relay: ApiRelay): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    headers.delete("authorization");
    init?.signal?.throwIfAborted();
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== "string")
      throw new TypeError("a relayed request's body must be text");
    const answer = await relay({
      method: init?.method ?? "GET",
      path: `${url.pathname}${url.search}`,
      headers: headersObject(headers),
      ...(typeof body === "string" ? { body } : {}),
    });
    init?.signal?.throwIfAborted();
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
}

function headersObject(headers: Headers): Record<string, string> {
  const object: Record<string, string> = {};
  headers.forEach((value, name) => (object[name] = value));
  return object;
}

/** The configured webapp and key; `what` names the caller in the error when there is none. */
export function webappConnection(what: string): WebappConnection {
  const webapp = configuredWebapp();
  if (!webapp) {
    throw new Error(
      `${what}: no Stint webapp is configured; call configure({ baseURL, accessToken }) or set TRIGGER_API_URL and TRIGGER_SECRET_KEY (\`stint dev\` as a session of a webapp sets both for task code)`,
    );
  }
  return webapp;
}

const ERROR_BY_STATUS: Record<number, new (message: string, error?: unknown) => ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: InternalServerError,
};

export function apiError(status: number, message: string, body?: unknown): ApiError {
  const ErrorClass = ERROR_BY_STATUS[status];
  return ErrorClass ? new ErrorClass(message, body) : new ApiError(status, message, body);
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, item);
    else params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

/** Answers that mean "not now" (the webapp says so with 503 and Retry-After when Temporal is busy or unreachable). */
const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];

export interface CallOptions {
  /** Names the caller in errors (`runs.retrieve: …`). */
  what?: string;
  signal?: AbortSignal;
  /**
   * Retry a POST on a "not now" answer or a lost connection too (it must be safe to repeat: a stream upload numbered by
   * seq, say). GET, PUT and DELETE always are, as the Trigger.dev SDK retries them.
   */
  retryPost?: boolean;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) * 1000 : undefined;
}

export async function callApi<T>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<T> {
  const { baseURL, key, fetch: send } = webappConnection(options.what ?? path);
  const retries = method !== "POST" || options.retryPost;
  const prefix = options.what ? `${options.what}: ` : "";
  for (let attempt = 0; ; attempt++) {
    const mayRetry = retries && attempt < RETRY_DELAYS_MS.length && !options.signal?.aborted;
    let response: Response;
    try {
      response = await send(new URL(path, baseURL), {
        method,
        signal: options.signal,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      if (!mayRetry || options.signal?.aborted) throw error;
      await sleep(RETRY_DELAYS_MS[attempt]!, options.signal);
      continue;
    }
    const json = (await response.json().catch(() => ({}))) as { error?: string };
    if (response.ok) return json as T;
    if (mayRetry && RETRY_STATUSES.has(response.status)) {
      await sleep(retryAfterMs(response) ?? RETRY_DELAYS_MS[attempt]!, options.signal);
      continue;
    }
    throw apiError(response.status, `${prefix}${json.error ?? `${method} ${path} answered ${response.status}`}`, json);
  }
}
