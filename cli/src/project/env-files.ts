/**
 * A project's own `.env` files, read as Trigger.dev's CLI reads them: `.env`, `.env.development`, `.env.local`,
 * `.env.development.local` (the first file that sets a variable wins), and the shell's own variables win over all.
 * They hold the CLI's settings (TRIGGER_API_URL, TRIGGER_ACCESS_TOKEN or TRIGGER_SECRET_KEY) and the task code's
 * variables.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse } from "dotenv";

export const ENV_FILES = [".env", ".env.development", ".env.local", ".env.development.local"];

export interface LoadedEnv {
  /** Files read, relative to the project. */
  files: string[];
  /** Variables set from them (those the shell did not set already). */
  keys: string[];
}

export function loadProjectEnv(projectDir: string, envFile?: string): LoadedEnv {
  const files = envFile
    ? [resolve(projectDir, envFile)]
    : ENV_FILES.map((name) => join(projectDir, name)).filter((file) => existsSync(file));
  if (envFile && !existsSync(files[0]!)) throw new Error(`--env-file: no file at ${files[0]}`);
  const values: Record<string, string> = {};
  for (const file of files) {
    for (const [key, value] of Object.entries(parse(readFileSync(file)))) if (!(key in values)) values[key] = value;
  }
  const keys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (process.env[key] !== undefined) continue;
    process.env[key] = value;
    keys.push(key);
  }
  return { files: files.map((file) => relative(projectDir, file) || file), keys };
}
