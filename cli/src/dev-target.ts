/**
 * Which mode `stint dev` runs in, from its flags and the environment (shell, then the project's .env files):
 * - a session of a Stint webapp, with TRIGGER_API_URL and either a personal access token (TRIGGER_ACCESS_TOKEN: the
 *   webapp finds or creates the project trigger.config.ts names and hands over its development key) or a development
 *   secret key (TRIGGER_SECRET_KEY: it must belong to that project);
 * - else a session of the webapp `stint login` stored (its profile's URL and access token), as Trigger.dev's CLI uses
 *   its login; `--profile` picks a profile, and then wins over the variables;
 * - standalone, on its own Temporal, when there is none of these (or with --standalone).
 * Half a configuration is refused with the fix, never silently run standalone.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { resolveProjectWithAccessToken, type WebappTarget } from "./webapp-session.js";
import { loginProfile, userConfigFile, type LoginProfile } from "./user-config.js";

export interface WebappMode {
  kind: "webapp";
  target: WebappTarget;
  /** How the project was found, for the first line. */
  /** `via`: what found it, for the first line ("access token", "secret key", or the `stint login` profile). */
  project: { ref: string; name?: string; organization?: string; created: boolean; via: string };
}

export type DevMode = WebappMode | { kind: "standalone"; reason: string };

export interface DevCredentials {
  apiUrl?: string;
  accessToken?: string;
  secretKey?: string;
  standalone?: boolean;
  /** `--profile`: the `stint login` profile to run with. */
  profile?: string;
}

/** The `stint login` profile this run uses, if any (see the rules at the top). */
function loginFor(credentials: DevCredentials): (LoginProfile & { name: string }) | undefined {
  if (credentials.profile) {
    const chosen = loginProfile(credentials.profile);
    if (!chosen)
      throw new Error(
        `--profile ${credentials.profile}: no such login in ${userConfigFile()}. Run \`stint login --profile ${credentials.profile} --api-url <url> --token <tr_pat_…>\` first.`,
      );
    return chosen;
  }
  // Variables that name a webapp and how to join it win; a lone secret key (a Trigger.dev project's .env often has
  // one for its backend) cannot be used without a URL, so the login is.
  if (credentials.accessToken || (credentials.apiUrl && credentials.secretKey)) return undefined;
  const current = loginProfile();
  if (!current) return undefined;
  if (credentials.apiUrl && !sameWebapp(credentials.apiUrl, current.apiUrl)) return undefined;
  return current;
}

const sameWebapp = (a: string, b: string) =>
  new URL(a).href.replace(/\/+$/, "") === new URL(b).href.replace(/\/+$/, "");

async function sessionWithAccessToken(
  apiUrl: string,
  accessToken: string,
  projectRef: string,
  projectDir: string,
  via: string,
): Promise<WebappMode> {
  const resolved = await resolveProjectWithAccessToken(apiUrl, accessToken, projectRef, projectNameOf(projectDir));
  return {
    kind: "webapp",
    target: { apiUrl, secretKey: resolved.apiKey },
    project: {
      ref: resolved.project.ref,
      name: resolved.project.name,
      organization: resolved.project.organization.title,
      created: resolved.created,
      via,
    },
  };
}

export async function resolveDevMode(
  credentials: DevCredentials,
  projectRef: string,
  projectDir: string,
  fromFiles: string[],
): Promise<DevMode> {
  const { apiUrl, accessToken, secretKey } = credentials;
  const where = (name: string) => (fromFiles.includes(name) ? " (in the project's .env)" : "");
  if (credentials.standalone) return { kind: "standalone", reason: "--standalone" };
  const login = loginFor(credentials);
  if (login) {
    const via = `login (profile ${login.name}, ${login.email})`;
    try {
      return await sessionWithAccessToken(login.apiUrl, login.accessToken, projectRef, projectDir, via);
    } catch (error) {
      const refused = /\(401\)/.test((error as Error).message);
      throw new Error(
        `stint dev uses your ${via} from ${userConfigFile()}: ${(error as Error).message}` +
          (refused
            ? `. Create a new token on the dashboard (Access tokens) and run \`stint login --profile ${login.name}\` again, or pass --standalone.`
            : ""),
      );
    }
  }
  if (!apiUrl) {
    const set = accessToken ? "TRIGGER_ACCESS_TOKEN" : secretKey ? "TRIGGER_SECRET_KEY" : undefined;
    if (set) {
      throw new Error(
        `${set} is set${where(set)} but TRIGGER_API_URL is not, so stint dev does not know which Stint webapp to join: ` +
          "set TRIGGER_API_URL (npm start prints it; `source .stint/dev.env` from the Stint checkout sets it with an access token), " +
          `or pass --standalone to run on a Temporal server of its own.`,
      );
    }
    return { kind: "standalone", reason: "TRIGGER_API_URL is not set, no stint login" };
  }
  if (accessToken) return sessionWithAccessToken(apiUrl, accessToken, projectRef, projectDir, "access token");
  if (secretKey) {
    if (!/^tr_dev_/.test(secretKey))
      throw new Error(
        `TRIGGER_SECRET_KEY${where("TRIGGER_SECRET_KEY")} must be a development secret key (tr_dev_…): stint dev runs a development environment`,
      );
    return {
      kind: "webapp",
      target: { apiUrl, secretKey },
      project: { ref: projectRef, created: false, via: "secret key" },
    };
  }
  throw new Error(
    `TRIGGER_API_URL is set${where("TRIGGER_API_URL")} but neither TRIGGER_ACCESS_TOKEN nor TRIGGER_SECRET_KEY is, and no stint login for that webapp: ` +
      "run `stint login` (with a personal access token from the dashboard's Access tokens page), set TRIGGER_ACCESS_TOKEN (npm start writes one to " +
      ".stint/dev.env) or the project's development secret key, or pass --standalone.",
  );
}

/** A name for a project the webapp creates: the package.json name, else the folder's. */
function projectNameOf(projectDir: string): string {
  try {
    const name = (JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as { name?: unknown }).name;
    if (typeof name === "string" && name.trim()) return name.trim().slice(0, 100);
  } catch {
    // No package.json: the folder's name.
  }
  return basename(projectDir).slice(0, 100) || "project";
}
