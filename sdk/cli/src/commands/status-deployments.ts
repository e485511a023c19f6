/**
 * The deployed side of `stint status`: the current deployment (and the latest one) of each deployed environment of
 * the project trigger.config.ts names, read with a personal access token — TRIGGER_ACCESS_TOKEN with
 * TRIGGER_API_URL, else the `stint login` profile. Never fails the command: what it cannot read it says why.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { findConfigFile, loadConfig } from "../project/load-config.js";
import { loginProfile } from "../user-config.js";

const briefSchema = z.object({ id: z.string(), version: z.string(), shortCode: z.string(), status: z.string(), createdBy: z.string(), createdAt: z.string(), deployedAt: z.string().nullable() });

const answerSchema = z.object({
  project: z.object({ ref: z.string(), name: z.string() }),
  environments: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      slug: z.string(),
      current: briefSchema.extend({ promotedBy: z.string(), since: z.string(), tasks: z.number() }).nullable(),
      latest: briefSchema.nullable(),
    }),
  ),
});

export type ProjectDeployments = ({ kind: "listed"; apiUrl: string } & z.infer<typeof answerSchema>) | { kind: "unavailable"; reason: string };

export async function deploymentsOfProject(projectDir: string, profile?: string): Promise<ProjectDeployments> {
  const credentials = credentialsFor(profile);
  if (!credentials) return { kind: "unavailable", reason: "run `stint login` (or set TRIGGER_ACCESS_TOKEN and TRIGGER_API_URL) to see the deployed environments" };
  let projectRef: string;
  const scratch = mkdtempSync(join(tmpdir(), "stint-status-"));
  try {
    findConfigFile(projectDir);
    projectRef = (await loadConfig(projectDir, scratch)).config.project;
  } catch (error) {
    return { kind: "unavailable", reason: `no project to look up (${(error as Error).message.split("\n")[0]})` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  try {
    const response = await fetch(new URL(`/api/v1/projects/${encodeURIComponent(projectRef)}/deployments`, credentials.apiUrl), {
      headers: { authorization: `Bearer ${credentials.accessToken}` },
      signal: AbortSignal.timeout(5_000),
    });
    const json = (await response.json().catch(() => ({}))) as { error?: string };
    if (!response.ok) return { kind: "unavailable", reason: `the webapp at ${credentials.apiUrl} answered ${response.status}: ${json.error ?? "no details"}` };
    return { kind: "listed", apiUrl: credentials.apiUrl, ...answerSchema.parse(json) };
  } catch (error) {
    return { kind: "unavailable", reason: `cannot read them from ${credentials.apiUrl} (${(error as Error).message})` };
  }
}

function credentialsFor(profile: string | undefined): { apiUrl: string; accessToken: string } | undefined {
  const { TRIGGER_API_URL: apiUrl, TRIGGER_ACCESS_TOKEN: accessToken } = process.env;
  if (!profile && apiUrl && accessToken) return { apiUrl, accessToken };
  const login = loginProfile(profile);
  return login && { apiUrl: login.apiUrl, accessToken: login.accessToken };
}
