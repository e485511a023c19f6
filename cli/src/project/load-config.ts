/** Finds and loads a project's trigger.config.ts (bundled with esbuild so it may import anything). */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { z } from "zod";
import type { TriggerConfig } from "@stint/sdk";
import { sdkAliasPlugin } from "./sdk-alias-plugin.js";
import { ConfigError } from "../errors.js";

const CONFIG_NAMES = ["trigger.config.ts", "trigger.config.mts", "trigger.config.js", "trigger.config.mjs"];

const configSchema = z
  .object({
    project: z.string({ required_error: 'project is required (your project ref, e.g. "proj_abc")' }).min(1),
    dirs: z.array(z.string()).optional(),
    maxDuration: z.number({ required_error: "maxDuration is required (seconds)" }).positive(),
    checkpointThreshold: z.union([z.number().nonnegative(), z.string()]).optional(),
    retries: z.object({ enabledInDev: z.boolean().optional() }).passthrough().optional(),
  })
  .passthrough();

export function findConfigFile(projectDir: string): string {
  for (const name of CONFIG_NAMES) {
    const candidate = join(projectDir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError(
    `No trigger.config.ts in ${projectDir}. Run \`stint init\` there, or pass --cwd pointing at your project (the folder that holds trigger.config.ts).`,
  );
}

/** Loads the config; `built` is its bundled form (runner processes import it with the project's tasks). */
export async function loadConfig(
  projectDir: string,
  outDir: string,
): Promise<{ config: TriggerConfig; file: string; built: string }> {
  const file = findConfigFile(projectDir);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `trigger.config.${Date.now()}.mjs`);
  await build({
    entryPoints: [file],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "bundle",
    plugins: [sdkAliasPlugin()],
    logLevel: "silent",
    absWorkingDir: projectDir,
  });
  const loaded = (await import(pathToFileURL(outfile).href)) as { default?: unknown; config?: unknown };
  const parsed = configSchema.safeParse(loaded.default ?? loaded.config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
    throw new ConfigError(`${file}: ${problems}. Export it as \`export default defineConfig({ ... })\`.`);
  }
  return { config: parsed.data as TriggerConfig, file, built: outfile };
}
