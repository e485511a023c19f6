/**
 * Calls to a Stint webapp's REST API for the management functions that live there (queues, envvars), with the key from
 * configure() or TRIGGER_API_URL / TRIGGER_SECRET_KEY — as the Trigger.dev SDK does.
 */
import { apiConfiguration } from "./auth.js";
import { ApiError } from "./core/errors.js";

/** The configured webapp and key; `what` names the caller in the error when there is none. */
export function webappConnection(what: string): { baseURL: string; key: string } {
  const { baseURL, accessToken, secretKey } = apiConfiguration();
  const key = accessToken ?? secretKey;
  if (!baseURL || !key) {
    throw new Error(`${what}: no Stint webapp is configured; call configure({ baseURL, accessToken }) or set TRIGGER_API_URL and TRIGGER_SECRET_KEY (\`stint dev\` against a webapp sets both for task code)`);
  }
  return { baseURL, key };
}

export async function callApi<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
  const { baseURL, key } = webappConnection(path);
  const response = await fetch(new URL(path, baseURL), {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, json.error ?? `${method} ${path} answered ${response.status}`, json);
  return json as T;
}
