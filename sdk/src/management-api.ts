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

export async function callApi<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown, options: { what?: string; signal?: AbortSignal } = {}): Promise<T> {
  const { baseURL, key } = webappConnection(options.what ?? path);
  const response = await fetch(new URL(path, baseURL), {
    method,
    signal: options.signal,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw apiError(response.status, `${options.what ? `${options.what}: ` : ""}${json.error ?? `${method} ${path} answered ${response.status}`}`, json);
  return json as T;
}
