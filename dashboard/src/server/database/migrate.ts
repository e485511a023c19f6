/** Applies the committed Prisma migrations (`prisma migrate deploy`) at start-up, so a fresh database needs no step. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PRISMA_SCRIPT = fileURLToPath(new URL("../../../scripts/prisma.mjs", import.meta.url));

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const output: string[] = [];
  const child = spawn(process.execPath, [PRISMA_SCRIPT, "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0)
    throw new Error(`database migration failed (prisma migrate deploy exited ${code}):\n${output.join("")}`);
}
