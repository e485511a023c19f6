/**
 * `stint dev` against a Stint webapp: registers the project's tasks as a dev session (the webapp answers with the
 * Temporal server, the one task queue to poll, and any clash with another session), keeps the session alive, ends it,
 * and triggers through the REST API.
 */
import { z } from "zod";
import type { RunLogEntry } from "@stint/temporal-workers";
import type { ProjectDeclarations } from "./project/build-project.js";

const clashSchema = z.object({
  task: z.string(),
  sessionId: z.string(),
  label: z.string().nullable(),
  startedAt: z.string(),
  servedBy: z.enum(["this", "other"]),
});
export type SessionClash = z.infer<typeof clashSchema>;

const sessionResponseSchema = z.object({
  id: z.string(),
  environment: z.object({ id: z.string(), type: z.string(), slug: z.string().optional(), projectRef: z.string() }),
  temporal: z.object({ address: z.string(), namespace: z.string() }),
  /** The one task queue this session polls: the engine routes its tasks' runs there. */
  attemptQueue: z.string(),
  clashes: z.array(clashSchema).default([]),
});
export type WebappSession = z.infer<typeof sessionResponseSchema>;

export interface WebappTarget {
  apiUrl: string;
  secretKey: string;
}

/** Who registers: where it runs, and the project its config names (the webapp checks it is the key's). */
export interface SessionIdentity {
  label: string;
  projectRef: string;
}

async function call(target: WebappTarget, path: string, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.apiUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${target.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(
      `Cannot reach the Stint webapp at ${target.apiUrl} (${(error as Error).message}): is it running? (npm start)`,
    );
  }
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new Error(`The Stint webapp refused ${path} (${response.status}): ${json.error ?? "no details"}`);
  return json;
}

const resolvedProjectSchema = z.object({
  project: z.object({
    id: z.string(),
    ref: z.string(),
    name: z.string(),
    organization: z.object({ id: z.string(), title: z.string() }),
  }),
  created: z.boolean(),
  environment: z.object({ id: z.string(), type: z.string(), slug: z.string() }),
  apiKey: z.string(),
});

/** With a personal access token: the project `projectRef` (created if the user's organisation lacks it) and its dev key. */
export async function resolveProjectWithAccessToken(
  apiUrl: string,
  accessToken: string,
  projectRef: string,
  name: string,
) {
  const path = `/api/v1/projects/${encodeURIComponent(projectRef)}/environments/dev`;
  return resolvedProjectSchema.parse(await call({ apiUrl, secretKey: accessToken }, path, { name }));
}

/** Registers a new session, or (with `sessionId`, after a reload) the same session's tasks as they are now. */
export async function registerDevSession(
  target: WebappTarget,
  project: ProjectDeclarations,
  identity: SessionIdentity,
  sessionId?: string,
): Promise<WebappSession> {
  const body = {
    tasks: project.taskIds,
    taskVersions: project.taskVersions,
    schedules: project.schedules,
    queues: project.queues,
    retriesEnabledInDev: project.retriesEnabledInDev,
    label: identity.label,
    projectRef: identity.projectRef,
  };
  return sessionResponseSchema.parse(
    await call(target, `/engine/v1/dev/sessions${sessionId ? `/${sessionId}` : ""}`, body),
  );
}

const heartbeatResponseSchema = z.object({
  temporal: z.object({ address: z.string(), namespace: z.string() }).optional(),
  clashes: z.array(clashSchema).default([]),
});

/**
 * Says whether this session reaches Temporal; the webapp answers where Temporal is now (it may have moved) and the
 * tasks this session shares, with different code, with another live session.
 */
export async function heartbeatDevSession(
  target: WebappTarget,
  sessionId: string,
  temporalReachable: boolean,
): Promise<{ temporal?: { address: string; namespace: string }; clashes: SessionClash[] }> {
  return heartbeatResponseSchema.parse(
    await call(target, `/engine/v1/dev/sessions/${sessionId}/heartbeat`, {
      temporal: { reachable: temporalReachable },
    }),
  );
}

/** No more runs come to this session once it ended. */
export async function endDevSession(target: WebappTarget, sessionId: string): Promise<void> {
  await call(target, `/engine/v1/dev/sessions/${sessionId}/end`, {});
}

export async function triggerViaWebapp(target: WebappTarget, taskId: string, payload: unknown): Promise<string> {
  const result = (await call(target, `/api/v1/tasks/${encodeURIComponent(taskId)}/trigger`, { payload })) as {
    id: string;
  };
  return result.id;
}

export async function runStatusViaWebapp(
  target: WebappTarget,
  runId: string,
): Promise<{ status: string; output?: unknown; error?: unknown; isCompleted: boolean }> {
  const response = await fetch(new URL(`/api/v3/runs/${runId}`, target.apiUrl), {
    headers: { authorization: `Bearer ${target.secretKey}` },
  });
  return (await response.json()) as { status: string; output?: unknown; error?: unknown; isCompleted: boolean };
}

/** Buffers log lines and ships them to the webapp in batches, so the dashboard can show each run's logs. */
export class LogShipper {
  private buffer: RunLogEntry[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly target: WebappTarget) {
    this.timer = setInterval(() => void this.flush(), 500);
    this.timer.unref();
  }

  push = (entry: RunLogEntry): void => {
    this.buffer.push(entry);
    if (this.buffer.length >= 500) void this.flush();
  };

  async flush(): Promise<void> {
    const logs = this.buffer.splice(0, 1000);
    if (logs.length === 0) return;
    await call(this.target, "/engine/v1/runs/logs", { logs }).catch((error: Error) =>
      console.error(`[stint dev] shipping logs: ${error.message}`),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
