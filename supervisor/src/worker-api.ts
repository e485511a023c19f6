/**
 * The webapp's worker API (`/api/v1/worker/*`), as a supervisor calls it with its group's worker token. Every answer
 * is validated; a 401 means the token was refused (rotated, or wrong) and is told apart from other failures.
 */
import { z } from "zod";
import { API_RELAY_HEADERS } from "@stint/temporal-workers";

export class WorkerTokenRefusedError extends Error {
  override name = "WorkerTokenRefusedError";
}

const settingsSchema = z.object({
  group: z.object({ id: z.string(), name: z.string() }),
  taskQueue: z.string().min(1),
  temporal: z.object({ address: z.string().min(1), namespace: z.string().min(1) }),
  heartbeatIntervalMs: z.number().int().positive(),
  /** Each deployed environment's current version: the supervisor keeps runners of it warm. */
  deployments: z.array(z.object({ environmentId: z.string().min(1), version: z.string().min(1) })).default([]),
});
export type WorkerGroupSettings = z.infer<typeof settingsSchema>;

const variablesSchema = z.object({ variables: z.record(z.string()) });

/** A deployment's code as the webapp serves it: the build's files, its task files and its manifest. */
const deploymentBundleSchema = z.object({
  version: z.string().min(1),
  files: z.array(z.object({ path: z.string().min(1), contents: z.string() })),
  entries: z.array(z.object({ file: z.string().min(1), source: z.string() })).min(1),
  configFile: z.string().optional(),
  manifest: z.object({
    tasks: z.array(
      z.object({
        id: z.string(),
        filePath: z.string(),
        exportName: z.string().optional(),
        maxDuration: z.number().optional(),
        retry: z.record(z.unknown()).optional(),
        schedule: z.object({ cron: z.string(), timezone: z.string().optional() }).optional(),
        queue: z.object({ name: z.string() }).optional(),
        machine: z.object({ preset: z.string() }).optional(),
      }),
    ),
    queues: z
      .array(
        z.object({
          name: z.string(),
          type: z.enum(["task", "custom"]),
          concurrencyLimit: z.number().nullable(),
          tasks: z.array(z.string()).default([]),
        }),
      )
      .default([]),
    maxDuration: z.number().optional(),
    network: z.enum(["none", "host"]).optional(),
  }),
});
export type DeploymentBundleWire = z.infer<typeof deploymentBundleSchema>;

export interface RunLogLine {
  environmentId: string;
  runId: string;
  attempt?: number;
  level: "debug" | "log" | "info" | "warn" | "error";
  message: string;
  attributes?: Record<string, unknown>;
  time: string;
}

/** A realtime read may wait up to a minute on the webapp (timeout-seconds): the relay waits a little longer. */
const RELAY_TIMEOUT_MS = 120_000;

export interface RelayedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RelayedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class WorkerApi {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  settings(): Promise<WorkerGroupSettings> {
    return this.call("GET", "/settings", settingsSchema);
  }

  register(server: {
    name: string;
    capacity: number;
    executor: "docker" | "process";
    versions: string[];
  }): Promise<WorkerGroupSettings> {
    return this.call("POST", "/servers", settingsSchema, server);
  }

  heartbeat(name: string, state: { running: number; versions: string[] }): Promise<WorkerGroupSettings> {
    return this.call("POST", `/servers/${encodeURIComponent(name)}/heartbeat`, settingsSchema, state);
  }

  async disconnect(name: string): Promise<void> {
    await this.call("POST", `/servers/${encodeURIComponent(name)}/disconnect`, z.unknown(), {});
  }

  async variables(environmentId: string): Promise<Record<string, string>> {
    return (await this.call("GET", `/environments/${encodeURIComponent(environmentId)}/variables`, variablesSchema))
      .variables;
  }

  bundle(environmentId: string, version: string): Promise<DeploymentBundleWire> {
    return this.call(
      "GET",
      `/deployments/${encodeURIComponent(environmentId)}/${encodeURIComponent(version)}/bundle`,
      deploymentBundleSchema,
    );
  }

  /**
   * Sends a REST API request of task code to the webapp, acting for the run it comes from: the worker token and the
   * run, its environment and this server named in headers; the webapp checks the run executes in an environment of
   * this group. The answer is task code's to read, whatever its status (a 401 here is the run's, not a refused token).
   */
  async relay(
    run: { environmentId: string; runId: string; server: string },
    request: RelayedRequest,
  ): Promise<RelayedResponse> {
    const response = await fetch(`${this.apiUrl.replace(/\/$/, "")}${request.path}`, {
      method: request.method,
      headers: {
        ...request.headers,
        authorization: `Bearer ${this.token}`,
        [API_RELAY_HEADERS.run]: run.runId,
        [API_RELAY_HEADERS.environment]: run.environmentId,
        [API_RELAY_HEADERS.server]: run.server,
      },
      body: request.body,
      signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
    }).catch((error: Error) => {
      const cause = (error.cause as Error | undefined)?.message;
      throw new Error(`the supervisor cannot reach the webapp at ${this.apiUrl} (${cause ?? error.message})`);
    });
    const headers: Record<string, string> = {};
    for (const name of ["content-type", "retry-after"]) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    return { status: response.status, headers, body: await response.text() };
  }

  async sendLogs(logs: RunLogLine[]): Promise<void> {
    await this.call("POST", "/runs/logs", z.unknown(), { logs });
  }

  private async call<T extends z.ZodTypeAny>(
    method: "GET" | "POST",
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const url = `${this.apiUrl.replace(/\/$/, "")}/api/v1/worker${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    }).catch((error: Error) => {
      const cause = (error.cause as Error | undefined)?.message;
      throw new Error(
        `cannot reach the webapp at ${this.apiUrl} (${cause ?? error.message}): is it running, and is --api-url right?`,
      );
    });
    const text = await response.text();
    const json = (() => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    })();
    const error = (json as { error?: string } | undefined)?.error;
    if (response.status === 401)
      throw new WorkerTokenRefusedError(`the webapp refused this supervisor's worker token: ${error ?? "401"}`);
    if (!response.ok)
      throw new Error(`${method} /api/v1/worker${path}: ${response.status} ${error ?? text.slice(0, 200)}`);
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `${method} /api/v1/worker${path}: unexpected answer (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message})`,
      );
    return parsed.data;
  }
}
