"use client";
/** The dashboard's calls to the webapp's /ui-api (same origin, session cookie). */

export class UiApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function uiApi<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`/ui-api${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined && !init.method ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? (init.method ? "{}" : undefined) : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (response.status === 401 && !path.startsWith("/login")) {
    window.location.href = "/login";
  }
  if (!response.ok) throw new UiApiError(response.status, json.error ?? `Request failed (${response.status})`);
  return json as T;
}

export interface Environment {
  id: string;
  type: "DEVELOPMENT" | "STAGING" | "PRODUCTION" | "PREVIEW";
  slug: string;
  secretKeyHint: string;
  secretKeyRotatedAt: string;
}
export interface Project {
  id: string;
  name: string;
  ref: string;
  environments: Environment[];
}
export interface Organization {
  id: string;
  title: string;
  role: string;
  projects: Project[];
}
export interface Me {
  user: { id: string; email: string; name: string | null };
  organizations: Organization[];
  temporalUiUrl?: string;
}

/** Runs as the engine reports them (the webapp passes them through). */
export type { RunRecord } from "@stint/sdk/runtime";

/** The SDK's one list of run statuses (a module that imports nothing, so the browser bundle may take it). */
export { isFinalStatus, RUN_STATUSES } from "@stint/sdk/run-status";
