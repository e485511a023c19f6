/**
 * Which webapp and environment key `stint deploy` uses, from its flags and the shell's variables:
 * - TRIGGER_API_URL and the environment's secret key (TRIGGER_SECRET_KEY: tr_prod_…, tr_stg_…, tr_preview_…);
 * - else a personal access token — TRIGGER_ACCESS_TOKEN with TRIGGER_API_URL, or the `stint login` profile (the
 *   current one, or `--profile`) — with which the webapp hands over the key of the environment `--env` names in the
 *   project trigger.config.ts names, as Trigger.dev's CLI deploys after `trigger login`.
 * The key must be the environment's: a key of another environment is refused before anything is built.
 */
import { z } from "zod";
import { loginProfile, userConfigFile } from "./user-config.js";

/** `--env` names and the environment each stands for (the secret key prefix, the webapp's path segment). */
export const DEPLOY_ENVIRONMENTS = {
  prod: { keyPrefix: "tr_prod_", label: "production", path: "prod" },
  production: { keyPrefix: "tr_prod_", label: "production", path: "prod" },
  staging: { keyPrefix: "tr_stg_", label: "staging", path: "staging" },
  stg: { keyPrefix: "tr_stg_", label: "staging", path: "staging" },
  preview: { keyPrefix: "tr_preview_", label: "preview", path: "preview" },
} as const;
export type DeployEnvironmentName = keyof typeof DEPLOY_ENVIRONMENTS;
type DeployEnvironment = (typeof DEPLOY_ENVIRONMENTS)[DeployEnvironmentName];

export interface DeployCredentials {
  apiUrl?: string;
  secretKey?: string;
  accessToken?: string;
  profile?: string;
}

export interface DeployTarget {
  apiUrl: string;
  /** The environment's secret key. */
  secretKey: string;
  /** Who deploys, when the webapp said (a personal access token's user). */
  user?: string;
  /** How the key was found, for the output. */
  via: string;
}

export class DeployRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployRefused";
  }
}

const projectEnvSchema = z.object({
  apiKey: z.string(),
  apiUrl: z.string().optional(),
  user: z.object({ email: z.string() }).optional(),
});

export async function resolveDeployTarget(
  credentials: DeployCredentials,
  envName: DeployEnvironmentName,
  projectRef: string,
): Promise<DeployTarget> {
  const environment = DEPLOY_ENVIRONMENTS[envName];
  const { apiUrl, secretKey, accessToken } = credentials;
  if (credentials.profile) {
    const login = loginProfile(credentials.profile);
    if (!login)
      throw new DeployRefused(
        `--profile ${credentials.profile}: no such login in ${userConfigFile()}. Run \`stint login --profile ${credentials.profile}\` first.`,
      );
    return withAccessToken(
      login.apiUrl,
      login.accessToken,
      environment,
      projectRef,
      `login (profile ${login.name}, ${login.email})`,
    );
  }
  if (apiUrl && secretKey) return { apiUrl, secretKey: checkedKey(secretKey, envName, environment), via: "secret key" };
  if (apiUrl && accessToken) return withAccessToken(apiUrl, accessToken, environment, projectRef, "access token");
  const login = loginProfile();
  if (login && (!apiUrl || sameWebapp(apiUrl, login.apiUrl))) {
    return withAccessToken(
      login.apiUrl,
      login.accessToken,
      environment,
      projectRef,
      `login (profile ${login.name}, ${login.email})`,
    );
  }
  if (!apiUrl) {
    throw new DeployRefused(
      "stint deploy needs a Stint webapp: run `stint login`, or set TRIGGER_API_URL (--api-url) with the environment's secret key " +
        `(TRIGGER_SECRET_KEY, ${environment.keyPrefix}… from the dashboard's API keys page) or a personal access token (TRIGGER_ACCESS_TOKEN). --dry-run needs none.`,
    );
  }
  throw new DeployRefused(
    `stint deploy needs the ${environment.label} secret key (${environment.keyPrefix}…, on the dashboard's API keys page) in --secret-key or TRIGGER_SECRET_KEY, ` +
      "or a personal access token (TRIGGER_ACCESS_TOKEN, or `stint login`)",
  );
}

function checkedKey(secretKey: string, envName: DeployEnvironmentName, environment: DeployEnvironment): string {
  if (secretKey.startsWith(environment.keyPrefix)) return secretKey;
  const actual =
    Object.values(DEPLOY_ENVIRONMENTS).find((env) => secretKey.startsWith(env.keyPrefix))?.label ??
    (secretKey.startsWith("tr_dev_") ? "development" : "no environment");
  throw new DeployRefused(
    `--env ${envName} needs a ${environment.label} secret key (${environment.keyPrefix}…); this one is for ${actual}`,
  );
}

async function withAccessToken(
  apiUrl: string,
  accessToken: string,
  environment: DeployEnvironment,
  projectRef: string,
  via: string,
): Promise<DeployTarget> {
  const path = `/api/v1/projects/${encodeURIComponent(projectRef)}/${environment.path}`;
  let response: Response;
  try {
    response = await fetch(new URL(path, apiUrl), { headers: { authorization: `Bearer ${accessToken}` } });
  } catch (error) {
    throw new DeployRefused(`Cannot reach the Stint webapp at ${apiUrl} (${(error as Error).message}): is it running?`);
  }
  const json = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok)
    throw new DeployRefused(
      `The Stint webapp refused your ${via} for the ${environment.label} environment of ${projectRef} (${response.status}): ${json.error ?? "no details"}`,
    );
  const parsed = projectEnvSchema.parse(json);
  return { apiUrl, secretKey: parsed.apiKey, user: parsed.user?.email, via };
}

const sameWebapp = (a: string, b: string) =>
  new URL(a).href.replace(/\/+$/, "") === new URL(b).href.replace(/\/+$/, "");
