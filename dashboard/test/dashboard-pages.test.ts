/**
 * The dashboard is a static export served as files by the webapp (no Next.js server): every page answers at its own
 * address, a run's or an invite's page at any id (deep links), hashed assets are cached for good, anything else is a
 * 404 page. The pages' behaviour in a browser is dashboard-e2e's (Chromium).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardPagesHandler, exportedFile } from "../src/server/dashboard-pages.js";

let pages: (request: Request) => Response | Promise<Response>;
const get = async (path: string) => {
  const response = await pages(new Request(`http://127.0.0.1${path}`));
  return { status: response.status, cache: response.headers.get("cache-control"), body: await response.text() };
};

beforeAll(async () => {
  pages = await dashboardPagesHandler();
}, 300_000);

describe("dashboard pages", () => {
  it("serves each page at its address, with or without a trailing slash or a query", async () => {
    for (const path of ["/", "/runs", "/runs/", "/tasks?env=env_1", "/keys", "/login"]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).toContain("<title>Stint</title>");
      expect(page.cache, path).toBe("no-cache");
    }
  });

  it("serves a run's page at any run id, and an invite's at any token (deep links)", async () => {
    const run = await get("/runs/run_4bx0k2j9q8c7?env=env_1");
    expect(run.status).toBe(200);
    expect(run.body).toBe((await get("/runs/_")).body);
    expect(run.body).not.toBe((await get("/runs")).body);
    expect((await get("/invite/some-token")).status).toBe(200);
  });

  it("answers 404 with a page for anything else, and never leaves the export", async () => {
    for (const path of ["/nope", "/runs/run_1/extra", "/_next/static/missing.js", "/..%2Fpackage.json"]) {
      const page = await get(path);
      expect(page.status, path).toBe(404);
      expect(page.body, path).toContain("<title>Stint</title>");
    }
  });

  it("caches hashed assets for good", async () => {
    const asset = /\/_next\/static\/[^"]+\.js/.exec((await get("/runs")).body)?.[0];
    expect(asset).toBeDefined();
    const script = await get(asset!);
    expect(script.status).toBe(200);
    expect(script.cache).toBe("public, max-age=31536000, immutable");
  });

  it("maps paths to exported files", () => {
    const files = new Set(["/index.html", "/runs.html", "/runs/_.html", "/_next/static/a.js"]);
    const isFile = (path: string) => files.has(path);
    expect(exportedFile("/", isFile)).toBe("/index.html");
    expect(exportedFile("/runs/", isFile)).toBe("/runs.html");
    expect(exportedFile("/runs/run_1", isFile)).toBe("/runs/_.html");
    expect(exportedFile("/_next/static/a.js", isFile)).toBe("/_next/static/a.js");
    expect(exportedFile("/tasks", isFile)).toBeUndefined();
    expect(exportedFile("/runs/run_1/x", isFile)).toBeUndefined();
  });
});
