/**
 * The user's Stint CLI settings: login profiles (a webapp URL and a personal access token each), as Trigger.dev's CLI
 * keeps them. One JSON file, `$XDG_CONFIG_HOME/stint/config.json` (default `~/.config/stint/config.json`), readable by
 * the user only (0600 in a 0700 folder): it holds credentials.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";

export const DEFAULT_PROFILE = "default";

const profileSchema = z.object({
  apiUrl: z.string().url(),
  accessToken: z.string().regex(/^tr_pat_/),
  email: z.string(),
  userId: z.string().optional(),
  loggedInAt: z.string(),
});
export type LoginProfile = z.infer<typeof profileSchema>;

const configSchema = z.object({
  version: z.literal(1),
  currentProfile: z.string(),
  profiles: z.record(profileSchema),
});
type UserConfig = z.infer<typeof configSchema>;

export function userConfigFile(): string {
  const base = process.env.XDG_CONFIG_HOME?.trim() || join(homedir(), ".config");
  return join(base, "stint", "config.json");
}

export function readUserConfig(): UserConfig {
  const file = userConfigFile();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { version: 1, currentProfile: DEFAULT_PROFILE, profiles: {} };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} is not a Stint CLI config (${(error as Error).message}): fix or delete it, then \`stint login\` again.`,
    );
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${file} is not a Stint CLI config (${parsed.error.issues[0]?.message}): fix or delete it, then \`stint login\` again.`,
    );
  }
  return parsed.data;
}

function writeUserConfig(config: UserConfig): string {
  const file = userConfigFile();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written whole to a private temporary file, then renamed: never a half-written or world-readable credentials file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return file;
}

/** The profile `stint dev` and friends use: the named one, else the current one. */
export function loginProfile(name?: string): (LoginProfile & { name: string }) | undefined {
  const config = readUserConfig();
  const chosen = name ?? config.currentProfile;
  const profile = config.profiles[chosen];
  return profile && { ...profile, name: chosen };
}

/** Stores a profile and makes it the current one; returns the file written. */
export function saveLoginProfile(name: string, profile: LoginProfile): string {
  const config = readUserConfig();
  config.profiles[name] = profileSchema.parse(profile);
  config.currentProfile = name;
  return writeUserConfig(config);
}

/** Removes a profile; false when there was none of that name. */
export function removeLoginProfile(name: string): boolean {
  const config = readUserConfig();
  if (!config.profiles[name]) return false;
  delete config.profiles[name];
  if (config.currentProfile === name) config.currentProfile = Object.keys(config.profiles)[0] ?? DEFAULT_PROFILE;
  writeUserConfig(config);
  return true;
}
