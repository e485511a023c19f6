/**
 * `npm start`: the whole platform on embedded defaults, until Ctrl-C — a Temporal dev server (state and Web UI under
 * .stint/), the webapp on embedded PostgreSQL, and the example project as a `stint dev` session of the webapp.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { installRuntimeLogger, startDevServer } from "@stint/temporal-workers";
import { startWebapp, PortInUseError } from "../index.js";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1, "PORT must be 1–65535").max(65_535, "PORT must be 1–65535").default(3030),
  DATABASE_URL: z.string().url("DATABASE_URL must be a postgres:// URL").optional(),
  STINT_DATA_DIR: z.string().default(join(REPO, ".stint")),
  TEMPORAL_UI_PORT: z.coerce.number().int().optional(),
  STINT_EXAMPLE: z.enum(["on", "off"]).default("on"),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
    process.exit(2);
  }
  const env = parsed.data;
  const dataDir = resolve(env.STINT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  installRuntimeLogger("WARN");
  const temporal = await startDevServer({ dbFile: join(dataDir, "temporal.db"), uiPort: env.TEMPORAL_UI_PORT });
  let webapp;
  try {
    webapp = await startWebapp({ port: env.PORT, dataDir, databaseUrl: env.DATABASE_URL, temporal: { address: temporal.address }, temporalUiUrl: temporal.uiUrl });
  } catch (error) {
    await temporal.stop();
    if (error instanceof PortInUseError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const boot = webapp.bootstrap!;

  console.log("\nStint is running.");
  console.log(`  Dashboard:    ${webapp.url}`);
  console.log(`  API:          ${webapp.url}  (TRIGGER_API_URL)`);
  console.log(`  Temporal UI:  ${temporal.uiUrl}/namespaces/default/workflows`);
  console.log(`  Database:     ${env.DATABASE_URL ? "DATABASE_URL" : `embedded PostgreSQL in ${join(dataDir, "postgres")}`}`);
  if (boot.devSecretKey) console.log(`  Dev key:      ${boot.devSecretKey}  (TRIGGER_SECRET_KEY; also in ${join(dataDir, "dev.env")})`);
  console.log(`  Admin:        ${boot.adminEmail}${boot.adminPassword ? "  (password printed above, once)" : ""}`);
  console.log("  Ctrl-C stops everything.\n");

  let example: ChildProcess | undefined;
  if (env.STINT_EXAMPLE === "on" && boot.devSecretKey) {
    example = spawn(
      process.execPath,
      [join(REPO, "sdk/cli/bin/stint.mjs"), "dev", "--cwd", join(REPO, "examples/hello-world"), "--state-dir", join(dataDir, "example"), "--trigger", "onboarding", "--payload", '{"name":"Ada","email":"ada@example.com"}'],
      { stdio: "inherit", env: { ...process.env, TRIGGER_API_URL: webapp.url, TRIGGER_SECRET_KEY: boot.devSecretKey } },
    );
  }

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    if (example && example.exitCode === null) {
      example.kill("SIGTERM");
      await new Promise((r) => example!.once("exit", r));
    }
    await webapp.stop();
    await temporal.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
