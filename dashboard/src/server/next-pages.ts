/**
 * The Next.js dashboard pages, built on first use (and whenever the UI sources are newer than the build) and then
 * served in production mode by the webapp's HTTP server.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";

export const UI_DIR = fileURLToPath(new URL("../../ui", import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".next" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function uiBuildIsCurrent(): boolean {
  const buildId = join(UI_DIR, ".next", "BUILD_ID");
  return existsSync(buildId) && statSync(buildId).mtimeMs >= newestMtime(UI_DIR);
}

export async function buildUi(log: (line: string) => void = console.log): Promise<void> {
  if (uiBuildIsCurrent()) return;
  log("[webapp] building the dashboard UI (next build; once per change)…");
  const require = createRequire(import.meta.url);
  const nextBin = join(require.resolve("next/package.json"), "..", "dist/bin/next");
  const output: string[] = [];
  const child = spawn(process.execPath, [nextBin, "build", UI_DIR], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (c: Buffer) => output.push(c.toString()));
  child.stderr.on("data", (c: Buffer) => output.push(c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output.join("")}`);
}

export async function nextPagesHandler(): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  await buildUi();
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: UI_DIR, quiet: true });
  await app.prepare();
  return app.getRequestHandler();
}
