/**
 * Worker groups and their tokens: first boot creates the `default` group, prints its token once in a framed box and
 * writes it to `<data dir>/worker-token`, keeping only its hash; supervisors authenticate with it on
 * `/api/v1/worker/*` (anything else is a 401); the dashboard lists groups and servers, creates groups and rotates a
 * token, after which the old one is refused at its next call.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createUser, startWebapp, type Webapp } from "../src/index.js";
import { createTestDatabase } from "./harness/index.js";

const dataDir = mkdtempSync(join(tmpdir(), "stint-worker-tokens-"));
const log: string[] = [];
let databaseUrl: string;
let webapp: Webapp;

const start = () =>
  startWebapp({
    port: 0,
    databaseUrl,
    dataDir,
    temporal: { address: inject("temporalAddress") },
    engineTaskQueue: `stint-engine-${randomUUID().slice(0, 8)}`,
    ui: false,
    github: null,
    log: (line) => log.push(line),
  });

const worker = (path: string, token: string | undefined, body?: unknown) =>
  fetch(`${webapp.url}/api/v1/worker${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** A browser stand-in for the dashboard's JSON API: keeps the session cookie. */
class Session {
  cookie = "";
  async call(path: string, body?: unknown) {
    const response = await fetch(`${webapp.url}/ui-api${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0]!;
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }
}

let defaultToken: string;
const admin = new Session();

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  webapp = await start();
  await admin.call("/login", { email: webapp.bootstrap!.adminEmail, password: webapp.bootstrap!.adminPassword });
});

afterAll(async () => {
  await webapp?.stop();
});

describe("worker tokens", () => {
  it("first boot prints the default group's token once in a framed box, writes it to <data dir>/worker-token and stores only its hash", async () => {
    const file = join(dataDir, "worker-token");
    defaultToken = readFileSync(file, "utf8").trim();
    expect(defaultToken).toMatch(/^tr_wgt_[a-z0-9]{40}$/);
    expect(statSync(file).mode & 0o077).toBe(0);
    const boxed = log.findIndex((line) => line.includes(defaultToken));
    expect(boxed).toBeGreaterThan(0);
    expect(log[boxed]).toMatch(/^│ .* │$/);
    expect(log.slice(0, boxed).some((line) => /^┌─+┐$/.test(line))).toBe(true);
    expect(log.slice(boxed).some((line) => /^└─+┘$/.test(line))).toBe(true);

    const group = await webapp.db.workerGroup.findUniqueOrThrow({ where: { name: "default" } });
    expect(group.tokenHash).toBe(createHash("sha256").update(defaultToken).digest("hex"));
    expect(JSON.stringify(group)).not.toContain(defaultToken.slice(7));

    // A restart on the same data folder keeps the group and prints no token.
    await webapp.stop();
    log.length = 0;
    webapp = await start();
    expect(log.join("\n")).not.toContain("tr_wgt_");
    expect(await webapp.db.workerGroup.count()).toBe(1);
  });

  it("refuses a missing, malformed, unknown or environment key with 401, and answers the group's settings to its token", async () => {
    const devKey = webapp.bootstrap!.devSecretKey!;
    for (const token of [undefined, "nonsense", devKey, `tr_wgt_${"x".repeat(40)}`]) {
      const response = await worker("/settings", token);
      expect(response.status, String(token)).toBe(401);
      expect(((await response.json()) as { error: string }).error).toMatch(/worker token/i);
    }
    // Not even a route's existence is told without a token.
    expect((await worker("/nope", undefined)).status).toBe(401);
    expect((await worker("/nope", defaultToken)).status).toBe(404);

    const settings = (await (await worker("/settings", defaultToken)).json()) as Record<string, any>;
    expect(settings).toMatchObject({
      group: { name: "default" },
      taskQueue: "workers.default",
      temporal: { address: inject("temporalAddress"), namespace: "default" },
    });
  });

  it("a registered server shows on the dashboard Connected with its capacity, running attempts and versions, then Disconnected", async () => {
    const bad = await worker("/servers", defaultToken, { name: "bad name!", capacity: 0, executor: "vm" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/name|capacity|executor/);

    expect((await worker("/servers", defaultToken, { name: "worker-a", capacity: 4, executor: "docker" })).status).toBe(
      200,
    );
    expect(
      (await worker("/servers/worker-a/heartbeat", defaultToken, { running: 2, versions: ["env_1/20261201.1"] }))
        .status,
    ).toBe(200);
    expect((await worker("/servers/unregistered/heartbeat", defaultToken, { running: 0 })).status).toBe(404);

    let groups = (await admin.call("/worker-groups")).body.groups;
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      name: "default",
      taskQueue: "workers.default",
      tokenHint: defaultToken.slice(-4),
    });
    expect(groups[0].servers).toEqual([
      expect.objectContaining({
        name: "worker-a",
        executor: "docker",
        capacity: 4,
        running: 2,
        versions: ["env_1/20261201.1"],
        connected: true,
      }),
    ]);

    expect((await worker("/servers/worker-a/disconnect", defaultToken, {})).status).toBe(200);
    groups = (await admin.call("/worker-groups")).body.groups;
    expect(groups[0].servers[0]).toMatchObject({ name: "worker-a", connected: false, running: 0 });
  });

  it("admins create groups (their token shown once); bad names are a 400, a taken one a 409, members get a 403", async () => {
    const created = await admin.call("/worker-groups", { name: "reports" });
    expect(created.status).toBe(200);
    expect(created.body.token).toMatch(/^tr_wgt_/);
    const settings = (await (await worker("/settings", created.body.token)).json()) as Record<string, any>;
    expect(settings).toMatchObject({ group: { name: "reports" }, taskQueue: "workers.reports" });

    const invalid = await admin.call("/worker-groups", { name: "Has Spaces" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/^name: /);
    expect((await admin.call("/worker-groups", { name: "reports" })).status).toBe(409);

    const organizationId = (await webapp.db.organization.findFirstOrThrow()).id;
    await createUser(webapp.db, {
      email: "member@example.com",
      password: "member-password",
      organizationId,
      role: "ADMIN",
    });
    const member = new Session();
    await member.call("/login", { email: "member@example.com", password: "member-password" });
    expect((await member.call("/worker-groups")).status).toBe(200);
    expect((await member.call("/worker-groups", { name: "mine" })).status).toBe(403);
    expect((await member.call(`/worker-groups/${created.body.id}/rotate-token`, {})).status).toBe(403);
  });

  it("a rotated token is refused from its very next call; the new one works", async () => {
    const group = await webapp.db.workerGroup.findUniqueOrThrow({ where: { name: "default" } });
    expect((await worker("/servers/worker-a/heartbeat", defaultToken, { running: 0 })).status).toBe(200);
    const rotated = await admin.call(`/worker-groups/${group.id}/rotate-token`, {});
    expect(rotated.body.token).toMatch(/^tr_wgt_/);
    const refused = await worker("/servers/worker-a/heartbeat", defaultToken, { running: 0 });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toMatch(/rotated/);
    expect((await worker("/servers/worker-a/heartbeat", rotated.body.token, { running: 0 })).status).toBe(200);
    const groups = (await admin.call("/worker-groups")).body.groups;
    expect(groups.find((g: { name: string }) => g.name === "default")).toMatchObject({
      tokenHint: rotated.body.token.slice(-4),
    });
    expect(groups.find((g: { name: string }) => g.name === "default").rotatedAt).toBeTruthy();
  });
});
