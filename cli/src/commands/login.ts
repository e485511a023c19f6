/**
 * `stint login`, browser-less: a webapp URL and a personal access token (created on the dashboard's Access tokens
 * page, whose address it prints), as flags, from TRIGGER_API_URL / TRIGGER_ACCESS_TOKEN, or typed at a prompt. The
 * token is checked against the webapp (`GET /api/v2/whoami`, as Trigger.dev's CLI does) before it is stored in the
 * user's config as a profile, which `stint dev` then uses. `stint whoami` checks the stored login again; `stint logout`
 * forgets it.
 */
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { z } from "zod";
import { DEFAULT_PROFILE, loginProfile, removeLoginProfile, saveLoginProfile, userConfigFile } from "../user-config.js";

const apiUrlSchema = z.string().url("--api-url must be the webapp's URL, like http://127.0.0.1:3030");
const tokenSchema = z
  .string()
  .regex(
    /^tr_pat_[a-z0-9]+$/,
    "--token must be a personal access token (tr_pat_…): create one on the dashboard's Access tokens page",
  );

export const loginOptionsSchema = z.object({
  apiUrl: apiUrlSchema.optional(),
  token: tokenSchema.optional(),
  profile: z
    .string()
    .regex(/^[\w.-]+$/, "--profile: letters, digits, '.', '_' or '-'")
    .default(DEFAULT_PROFILE),
});
export type LoginOptions = z.input<typeof loginOptionsSchema>;

const whoamiSchema = z.object({ userId: z.string(), email: z.string(), dashboardUrl: z.string().optional() });
export type Whoami = z.infer<typeof whoamiSchema>;

/** Asks the webapp who the token belongs to; throws a message that says what to do when it cannot tell. */
export async function whoami(apiUrl: string, token: string): Promise<Whoami> {
  let response: Response;
  try {
    response = await fetch(new URL("/api/v2/whoami", apiUrl), {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new Error(
      `Cannot reach the Stint webapp at ${apiUrl} (${(error as Error).message}): is it running, and is that its URL?`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (response.status === 401 || response.status === 403) {
    throw new Error(
      `The webapp at ${apiUrl} refused the token (${body.error ?? response.status}). Create a personal access token on its dashboard (Access tokens) and log in again.`,
    );
  }
  if (!response.ok)
    throw new Error(
      `The webapp at ${apiUrl} answered ${response.status} to /api/v2/whoami (${body.error ?? "no details"}): is it a Stint webapp?`,
    );
  const parsed = whoamiSchema.safeParse(body);
  if (!parsed.success) throw new Error(`The webapp at ${apiUrl} did not answer /api/v2/whoami as a Stint webapp does.`);
  return parsed.data;
}

export async function runLogin(raw: LoginOptions): Promise<number> {
  const options = loginOptionsSchema.parse({
    ...raw,
    apiUrl: raw.apiUrl ?? (process.env.TRIGGER_API_URL || undefined),
    token: raw.token ?? (process.env.TRIGGER_ACCESS_TOKEN || undefined),
  });
  const apiUrl =
    options.apiUrl ??
    valid(
      apiUrlSchema,
      await ask(
        "Stint webapp URL (e.g. http://127.0.0.1:3030): ",
        "--api-url is required (no terminal to ask on): stint login --api-url <url> --token <tr_pat_…>",
      ),
    );
  let token = options.token;
  if (!token) {
    // No browser flow: the user creates the token on the dashboard and pastes it here.
    const page = accessTokensPage(apiUrl);
    if (process.stdin.isTTY)
      console.log(
        `Create a personal access token on the dashboard, at ${page} (log in there first), then paste it here.`,
      );
    token = valid(
      tokenSchema,
      await ask(
        "Personal access token (tr_pat_…): ",
        `--token is required (no terminal to ask on): create a personal access token at ${page}, then run stint login --api-url ${apiUrl} --token <tr_pat_…>`,
        true,
      ),
    );
  }
  const user = await whoami(apiUrl, token);
  const file = saveLoginProfile(options.profile, {
    apiUrl,
    accessToken: token,
    email: user.email,
    userId: user.userId,
    loggedInAt: new Date().toISOString(),
  });
  console.log(`Logged in to ${apiUrl} as ${user.email} (profile ${options.profile}, saved in ${file}).`);
  console.log(
    "Next: `npx stint dev` in your project runs it as a session of this webapp, in the project its trigger.config.ts names (--standalone: on a Temporal server of its own).",
  );
  return 0;
}

export async function runWhoami(profileName?: string): Promise<number> {
  const profile = loginProfile(profileName);
  if (!profile) {
    console.log(
      `Not logged in${profileName ? ` with profile ${profileName}` : ""} (${userConfigFile()}). Run \`stint login --api-url <url> --token <tr_pat_…>\`.`,
    );
    return 1;
  }
  const user = await whoami(profile.apiUrl, profile.accessToken);
  console.log(`Profile:  ${profile.name}`);
  console.log(`Webapp:   ${profile.apiUrl}`);
  console.log(`User:     ${user.email}`);
  if (user.dashboardUrl) console.log(`Dashboard: ${user.dashboardUrl}`);
  return 0;
}

export function runLogout(profileName = DEFAULT_PROFILE): number {
  const removed = removeLoginProfile(profileName);
  console.log(
    removed
      ? `Logged out: profile ${profileName} removed from ${userConfigFile()}.`
      : `No profile ${profileName} in ${userConfigFile()}: nothing to do.`,
  );
  return 0;
}

/** Where the dashboard lists and creates personal access tokens (the dashboard is served by the webapp). */
export function accessTokensPage(apiUrl: string): string {
  return new URL("/access-tokens", apiUrl).toString();
}

function valid(schema: z.ZodType<string>, answer: string): string {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
  return parsed.data;
}

/** Reads one answer from the terminal; without a terminal, fails with `withoutTerminal` (which flag to pass instead). */
async function ask(question: string, withoutTerminal: string, secret = false): Promise<string> {
  if (!process.stdin.isTTY) throw new Error(withoutTerminal);
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = rl.question(question);
    muted = secret;
    return (await answer).trim();
  } finally {
    if (secret) process.stdout.write("\n");
    rl.close();
  }
}
