/**
 * The embedded database (`npm start` without DATABASE_URL): PGlite served over the wire protocol by pglite-socket,
 * which runs every connection's messages on one backend and keeps connections apart only inside a transaction — two
 * connections' queries can interleave ("bind message supplies 13 parameters, but prepared statement requires 16",
 * seen registering a 241-task project). So the webapp keeps one connection to it: under concurrent API load every
 * request answers, and no second connection is ever open.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createOrganization, createProject, startWebapp, type Webapp } from "../src/index.js";

let webapp: Webapp;
let key: string;

beforeAll(async () => {
  webapp = await startWebapp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "stint-embedded-db-")),
    temporal: { address: inject("temporalAddress") },
    engineTaskQueue: `stint-engine-${randomUUID().slice(0, 8)}`,
    bootstrap: false,
    ui: false,
    github: null,
  });
  const org = await createOrganization(webapp.db, "Embedded");
  const project = await createProject(webapp.db, org.id, "Embedded");
  key = project.environments.find((env) => env.type === "DEVELOPMENT")!.secretKey;
});
afterAll(async () => webapp?.stop());

/** Established connections to the embedded server's port, from the kernel's table (server side of each). */
function connectionsTo(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"]
    .flatMap((file) => readFileSync(file, "utf8").trim().split("\n").slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state]) => local!.endsWith(`:${hexPort}`) && state === "01").length;
}

describe("embedded database", () => {
  it("answers concurrent API calls over one connection", async () => {
    const port = Number(new URL(webapp.databaseUrl).port);
    const api = (path: string, body?: unknown) =>
      fetch(`${webapp.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, connectionsTo(port))), 5);
    try {
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          i % 3 === 0
            ? api(`/api/v1/tasks/embedded-${i % 7}/trigger`, { payload: { i }, options: { tags: [`t${i}`] } })
            : i % 3 === 1
              ? api("/api/v1/envvars/proj_none/dev")
              : api(`/api/v1/tasks/embedded-${i % 5}/trigger`, { payload: { i, text: "x".repeat(i * 100) } }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(1);
  });
});
