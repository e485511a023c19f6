/**
 * The dashboard pages: a static export of the Next.js UI (`next build` with `output: "export"` writes ui/out), built
 * on first use and whenever the UI sources are newer than the build, then served as files by the webapp's own HTTP
 * server. Every page is a client component over /ui-api, so no Next.js server runs in the webapp (about 50 MB less).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { serveStatic } from "@hono/node-server/serve-static";
import { EXPORT_PLACEHOLDER } from "../../ui/app/lib/export-placeholder.js";

export const UI_DIR = fileURLToPath(new URL("../../ui", import.meta.url));
const OUT_DIR = join(UI_DIR, "out");
/** Written last by an export: its presence means the export is whole. */
const BUILT_MARKER = join(OUT_DIR, "index.html");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".next" || entry.name === "out" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function uiBuildIsCurrent(): boolean {
  return existsSync(BUILT_MARKER) && statSync(BUILT_MARKER).mtimeMs >= newestMtime(UI_DIR);
}

export async function buildUi(log: (line: string) => void = console.log): Promise<void> {
  if (uiBuildIsCurrent()) return;
  log("[webapp] building the dashboard UI (next build; once per change)…");
  const require = createRequire(import.meta.url);
  const nextBin = join(require.resolve("next/package.json"), "..", "dist/bin/next");
  const output: string[] = [];
  const child = spawn(process.execPath, [nextBin, "build", UI_DIR], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (c: Buffer) => output.push(c.toString()));
  child.stderr.on("data", (c: Buffer) => output.push(c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output.join("")}`);
}

/**
 * The exported file that answers a URL path: the file itself (assets under /_next/), the page's `.html`, or for a
 * page under a dynamic segment (a run's page, /runs/run_…) the page exported under the placeholder; undefined if none.
 */
export function exportedFile(urlPath: string, isFile: (path: string) => boolean): string | undefined {
  const path = urlPath.replace(/\/+$/, "") || "/";
  if (path === "/") return "/index.html";
  if (isFile(path)) return path;
  if (isFile(`${path}.html`)) return `${path}.html`;
  const parent = path.slice(0, path.lastIndexOf("/"));
  const placeholder = `${parent}/${EXPORT_PLACEHOLDER}.html`;
  return parent && isFile(placeholder) ? placeholder : undefined;
}

const NOT_FOUND = "/\0not-found";

export async function dashboardPagesHandler(): Promise<(request: Request) => Response | Promise<Response>> {
  await buildUi();
  const isFile = (path: string) => statSync(join(OUT_DIR, path), { throwIfNoEntry: false })?.isFile() ?? false;
  const notFoundPage = readFileSync(join(OUT_DIR, "404.html"), "utf8");
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    // Assets are named by their content hash; pages change with each build.
    const immutable = c.req.path.startsWith("/_next/static/") && c.res.status === 200;
    c.res.headers.set("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  });
  app.use("*", serveStatic({ root: OUT_DIR, rewriteRequestPath: (path) => exportedFile(path, isFile) ?? NOT_FOUND }));
  app.notFound((c) => c.html(notFoundPage, 404));
  return app.fetch;
}
