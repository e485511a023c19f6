/**
 * The login first boot prints is the one that works: a fresh webapp prints its admin address and password, and the
 * dashboard's API logs in with exactly those (`admin@localhost`, a domain without a dot, by default), by password and
 * by magic link. `STINT_ADMIN_EMAIL` chooses the address at first boot and is refused, naming the variable, when it is
 * not an address. Invites accept the same addresses.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startWebapp, type Webapp } from "../src/index.js";
import { createTestDatabase } from "./harness/index.js";

const running: Webapp[] = [];

afterEach(async () => {
  delete process.env.STINT_ADMIN_EMAIL;
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

async function firstBoot(): Promise<{ webapp: Webapp; printed: string[] }> {
  const printed: string[] = [];
  const webapp = await startWebapp({
    port: 0,
    databaseUrl: await createTestDatabase(),
    dataDir: mkdtempSync(join(tmpdir(), "stint-login-")),
    temporal: { address: inject("temporalAddress") },
    engineTaskQueue: `stint-engine-login-${running.length}`,
    ui: false,
    github: null,
    log: (line) => printed.push(line),
  });
  running.push(webapp);
  return { webapp, printed };
}

/** The address and password in the "Admin login: <email> / <password>" line first boot printed. */
function printedLogin(printed: string[]): { email: string; password: string } {
  const match = printed.map((line) => /Admin login:\s+(\S+) \/ (\S+)/.exec(line)).find(Boolean);
  if (!match) throw new Error(`first boot printed no admin login:\n${printed.join("\n")}`);
  return { email: match[1]!, password: match[2]! };
}

async function post(webapp: Webapp, path: string, body: unknown, cookie = "") {
  const response = await fetch(`${webapp.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    cookie: response.headers.get("set-cookie")?.split(";")[0] ?? "",
    body: (await response.json()) as Record<string, any>,
  };
}

describe("the admin login first boot prints", () => {
  it("is admin@localhost by default, and logs in with exactly the printed password", async () => {
    const { webapp, printed } = await firstBoot();
    const login = printedLogin(printed);
    expect(login.email).toBe("admin@localhost");

    const session = await post(webapp, "/ui-api/login", login);
    expect(session.body).toEqual({ ok: true });
    const me = await fetch(`${webapp.url}/ui-api/me`, { headers: { cookie: session.cookie } });
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe("admin@localhost");

    expect((await post(webapp, "/ui-api/login", { ...login, password: "wrong" })).status).toBe(401);
  });

  it("gets a magic link for admin@localhost", async () => {
    const { webapp, printed } = await firstBoot();
    expect((await post(webapp, "/ui-api/login/magic", { email: "admin@localhost" })).body).toEqual({ sent: true });
    expect(printed.some((line) => line.includes("magic link for admin@localhost: "))).toBe(true);
  });

  it("uses STINT_ADMIN_EMAIL at first boot", async () => {
    process.env.STINT_ADMIN_EMAIL = "Ops@Build-Box";
    const { webapp, printed } = await firstBoot();
    const login = printedLogin(printed);
    expect(login.email).toBe("ops@build-box");
    expect((await post(webapp, "/ui-api/login", login)).body).toEqual({ ok: true });
  });

  it("refuses a STINT_ADMIN_EMAIL that is not an address, naming the variable", async () => {
    process.env.STINT_ADMIN_EMAIL = "admin";
    await expect(firstBoot()).rejects.toThrow(/STINT_ADMIN_EMAIL: "admin" is not an email address/);
  });

  it("invites teammates at addresses like the admin's, and still refuses what is not an address", async () => {
    const { webapp, printed } = await firstBoot();
    const { cookie } = await post(webapp, "/ui-api/login", printedLogin(printed));
    const me = (await (await fetch(`${webapp.url}/ui-api/me`, { headers: { cookie } })).json()) as {
      organizations: { id: string }[];
    };
    const orgId = me.organizations[0]!.id;
    const invited = await post(
      webapp,
      `/ui-api/organizations/${orgId}/invites`,
      { email: "teammate@localhost" },
      cookie,
    );
    expect(invited.status).toBe(200);
    expect(invited.body.inviteUrl).toMatch(/\/invite\//);
    const refused = await post(
      webapp,
      `/ui-api/organizations/${orgId}/invites`,
      { email: "teammate at localhost" },
      cookie,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^body\.email: enter an email address/);
  });
});
