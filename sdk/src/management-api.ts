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

/** The configured webapp and key, or undefined when there is none. */
export function configuredWebapp(): { baseURL: string; key: string } | undefined {
  const { baseURL, accessToken, secretKey } = apiConfiguration();
  const key = accessToken ?? secretKey;
  return baseURL && key ? { baseURL, key } : undefined;
}

/** The configured webapp and key; `what` names the caller in the error when there is none. */
export function webappConnection(what: string): { baseURL: string; key: string } {
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

export async function callApi<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const { baseURL, key } = webappConnection(options.what ?? path);
  const retries = method !== "POST" || options.retryPost;
  const prefix = options.what ? `${options.what}: ` : "";
  for (let attempt = 0; ; attempt++) {
    const mayRetry = retries && attempt < RETRY_DELAYS_MS.length && !options.signal?.aborted;
    let response: Response;
    try {
      response = await fetch(new URL(path, baseURL), {
        method,
        signal: options.signal,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
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
