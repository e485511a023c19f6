/** Secret keys act for exactly one environment: other environments' and projects' runs do not exist for them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization, createProject, rotateSecretKey } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let t: TestWebapp;
let otherProjectKey: string;

async function api(path: string, key: string | undefined, init: RequestInit = {}) {
  const response = await fetch(`${t.webapp.url}${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  t = await startTestWebapp();
  const org = await createOrganization(t.webapp.db, "Other org");
  const other = await createProject(t.webapp.db, org.id, "Other project", ["DEVELOPMENT"]);
  otherProjectKey = other.environments[0]!.secretKey;
});

afterAll(async () => {
  await t?.stop();
});

describe("key scoping", () => {
  it("a production key cannot read, cancel or list a development run: 404", async () => {
    const created = await api("/api/v1/tasks/scoped-task/trigger", t.dev.secretKey, {
      method: "POST",
      body: JSON.stringify({ payload: { a: 1 } }),
    });
    expect(created.status).toBe(200);
    const runId = created.body.id as string;

    expect((await api(`/api/v3/runs/${runId}`, t.dev.secretKey)).status).toBe(200);
    expect((await api(`/api/v3/runs/${runId}`, t.prod.secretKey)).status).toBe(404);
    expect((await api(`/api/v2/runs/${runId}/cancel`, t.prod.secretKey, { method: "POST" })).status).toBe(404);
    // The list follows the run index, which can trail a trigger under load: wait until the development list has
    // the run, then the production list must not.
    const listed = async (key: string) =>
      ((await api("/api/v1/runs", key)).body.data as { id: string }[]).map((r) => r.id);
    await expect.poll(() => listed(t.dev.secretKey), { timeout: 60_000, interval: 250 }).toContain(runId);
    expect(await listed(t.prod.secretKey)).not.toContain(runId);
  });

  it("project B cannot see project A's runs or use its project ref", async () => {
    const created = await api("/api/v1/tasks/scoped-task/trigger", t.dev.secretKey, {
      method: "POST",
      body: JSON.stringify({ payload: {} }),
    });
    const runId = created.body.id as string;
    expect((await api(`/api/v3/runs/${runId}`, otherProjectKey)).status).toBe(404);
    expect((await api(`/api/v1/runs/${runId}/replay`, otherProjectKey, { method: "POST" })).status).toBe(404);
    expect((await api(`/api/v1/projects/${t.project.ref}/runs`, otherProjectKey)).status).toBe(404);
    expect((await api(`/api/v1/projects/${t.project.ref}/runs`, t.dev.secretKey)).status).toBe(200);
  });

  it("no key, a malformed key or an unknown key: 401 with a message saying what to send", async () => {
    const none = await api("/api/v1/runs", undefined);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/Authorization: Bearer/);
    expect((await api("/api/v1/runs", "not-a-key")).status).toBe(401);
    expect((await api("/api/v1/runs", "tr_dev_0000000000000000000000000000000")).status).toBe(401);
  });

  it("a rotated key stops working; the new one works; keys are stored only as hashes", async () => {
    const org = await createOrganization(t.webapp.db, "Rotation");
    const project = await createProject(t.webapp.db, org.id, "Rotation", ["PRODUCTION"]);
    const oldKey = project.environments[0]!.secretKey;
    expect(oldKey).toMatch(/^tr_prod_/);
    expect((await api("/api/v1/runs", oldKey)).status).toBe(200);
    const newKey = await rotateSecretKey(t.webapp.db, project.environments[0]!.id);
    // Lookups are cached for a few seconds after a key was last seen.
    await new Promise((r) => setTimeout(r, 5_100));
    expect((await api("/api/v1/runs", oldKey)).status).toBe(401);
    expect((await api("/api/v1/runs", newKey)).status).toBe(200);

    const stored = await t.webapp.db.runtimeEnvironment.findUniqueOrThrow({
      where: { id: project.environments[0]!.id },
    });
    expect(JSON.stringify(stored)).not.toContain(newKey);
    expect(stored.secretKeyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a public access token reads only the run it was issued for, and nothing else", async () => {
    const trigger = (payload: unknown) =>
      fetch(`${t.webapp.url}/api/v1/tasks/scoped-task/trigger`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ payload }),
      });
    const first = await trigger({ n: 1 });
    const token = first.headers.get("x-trigger-jwt")!;
    const runId = ((await first.json()) as { id: string }).id;
    const otherId = ((await (await trigger({ n: 2 })).json()) as { id: string }).id;

    expect((await api(`/api/v3/runs/${runId}`, token)).status).toBe(200);
    expect((await api(`/api/v3/runs/${otherId}`, token)).status).toBe(403);
    expect((await api(`/api/v2/runs/${runId}/cancel`, token, { method: "POST" })).status).toBe(403);
    expect((await api("/api/v1/runs", token)).status).toBe(403);
    const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await api(`/api/v3/runs/${runId}`, tampered)).status).toBe(401);
  });
});
