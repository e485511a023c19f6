/**
 * The webapp's side of `stint status`: the current deployment (and the latest one) of each deployed environment of
 * the project trigger.config.ts names, the queue depths of each of its environments and the worker servers of each
 * worker group, read with a personal access token (`GET /api/v1/projects/{ref}/status`) — TRIGGER_ACCESS_TOKEN with
 * TRIGGER_API_URL, else the `stint login` profile. Never fails the command: what it cannot read it says why.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { findConfigFile, loadConfig } from "../project/load-config.js";
import { loginProfile } from "../user-config.js";

const briefSchema = z.object({
  id: z.string(),
  version: z.string(),
  shortCode: z.string(),
  status: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  deployedAt: z.string().nullable(),
});

const environmentSchema = z.object({
  id: z.string(),
  type: z.string(),
  slug: z.string(),
  current: briefSchema.extend({ promotedBy: z.string(), since: z.string(), tasks: z.number() }).nullable(),
  latest: briefSchema.nullable(),
});

const rateLimitSchema = z.object({ limit: z.number(), period: z.string(), burst: z.number().optional() });

const queueSchema = z.object({
  name: z.string(),
  type: z.string(),
  queued: z.number(),
  running: z.number(),
  concurrencyLimit: z.number().nullable(),
  paused: z.boolean(),
  // The dispatcher's settings and shares (webapps from before them answer without).
  concurrencyLimitPerKey: z.number().nullable().optional(),
  rateLimit: rateLimitSchema.nullable().optional(),
  rateLimitPerKey: rateLimitSchema.nullable().optional(),
  keys: z.array(z.object({ concurrencyKey: z.string(), running: z.number(), waiting: z.number() })).optional(),
});

const answerSchema = z.object({
  project: z.object({ ref: z.string(), name: z.string() }),
  environments: z.array(environmentSchema.extend({ queues: z.array(queueSchema) })),
  workerGroups: z.array(
    z.object({
      name: z.string(),
      taskQueue: z.string(),
      servers: z.array(
        z.object({
          name: z.string(),
          connected: z.boolean(),
          running: z.number(),
          capacity: z.number(),
          executor: z.string(),
          lastHeartbeatAt: z.string(),
        }),
      ),
    }),
  ),
});

export type ProjectDeployments =
  | ({ kind: "listed"; apiUrl: string; project: { ref: string; name: string } } & {
      environments: z.infer<typeof environmentSchema>[];
    })
  | { kind: "unavailable"; reason: string };

/** Queued and running runs per queue and environment. */
export type QueueDepth = z.infer<typeof queueSchema> & { environment: string; environmentType: string };

/** A worker server as `stint status` lists it. */
export type WorkerServerStatus = z.infer<typeof answerSchema>["workerGroups"][number]["servers"][number] & {
  group: string;
};

export interface ProjectStatus {
  deployments: ProjectDeployments;
  /** Absent when the webapp could not be read (deployments says why). */
  queues?: QueueDepth[];
  workers?: WorkerServerStatus[];
}

export async function statusOfProject(projectDir: string, profile?: string): Promise<ProjectStatus> {
  const credentials = credentialsFor(profile);
  const unavailable = (reason: string): ProjectStatus => ({ deployments: { kind: "unavailable", reason } });
  if (!credentials)
    return unavailable(
      "run `stint login` (or set TRIGGER_ACCESS_TOKEN and TRIGGER_API_URL) to see the deployed environments, queues and worker servers",
    );
  let projectRef: string;
  const scratch = mkdtempSync(join(tmpdir(), "stint-status-"));
  try {
    findConfigFile(projectDir);
    projectRef = (await loadConfig(projectDir, scratch)).config.project;
  } catch (error) {
    return unavailable(`no project to look up (${(error as Error).message.split("\n")[0]})`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  try {
    const response = await fetch(
      new URL(`/api/v1/projects/${encodeURIComponent(projectRef)}/status`, credentials.apiUrl),
      {
        headers: { authorization: `Bearer ${credentials.accessToken}` },
        signal: AbortSignal.timeout(5_000),
      },
    );
    const json = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok)
      return unavailable(
        `the webapp at ${credentials.apiUrl} answered ${response.status}: ${json.error ?? "no details"}`,
      );
    const answer = answerSchema.parse(json);
    return {
      deployments: {
        kind: "listed",
        apiUrl: credentials.apiUrl,
        project: answer.project,
        environments: answer.environments
          .filter((env) => env.type !== "DEVELOPMENT")
          .map(({ queues: _queues, ...env }) => env),
      },
      queues: answer.environments.flatMap((env) =>
        env.queues.map((queue) => ({ environment: env.slug, environmentType: env.type, ...queue })),
      ),
      workers: answer.workerGroups.flatMap((group) =>
        group.servers.map((server) => ({ group: group.name, ...server })),
      ),
    };
  } catch (error) {
    return unavailable(`cannot read them from ${credentials.apiUrl} (${(error as Error).message})`);
  }
}

function credentialsFor(profile: string | undefined): { apiUrl: string; accessToken: string } | undefined {
  const { TRIGGER_API_URL: apiUrl, TRIGGER_ACCESS_TOKEN: accessToken } = process.env;
  if (!profile && apiUrl && accessToken) return { apiUrl, accessToken };
  const login = loginProfile(profile);
  return login && { apiUrl: login.apiUrl, accessToken: login.accessToken };
}
