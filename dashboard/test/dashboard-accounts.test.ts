/**
 * Dashboard accounts over its JSON API: password login, magic links (printed to the log without a mail server),
 * invites that create a member, and what members may not do; and an invite's page in Chromium, opened from its link.
 */
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createUser } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let t: TestWebapp;
let organizationId: string;
const log: string[] = [];

/** A browser stand-in: keeps the session cookie between calls. */
class Session {
  cookie = "";
  async call(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
    const response = await fetch(`${t.webapp.url}${path}`, {
      method,
      redirect: "manual",
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0]!;
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get("location"),
      body: (text.startsWith("{") ? JSON.parse(text) : {}) as Record<string, any>,
    };
  }
}

beforeAll(async () => {
  t = await startTestWebapp({ ui: true, log: (line) => log.push(line) });
  organizationId = (await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } })).organizationId;
  await createUser(t.webapp.db, {
    email: "admin@example.com",
    password: "admin-password",
    organizationId,
    role: "ADMIN",
  });
});

afterAll(async () => {
  await t?.stop();
});

describe("dashboard accounts", () => {
  const admin = new Session();

  it("a session cookie comes from the right password only; without it the API answers 401", async () => {
    expect((await admin.call("/ui-api/me")).status).toBe(401);
    expect((await admin.call("/ui-api/login", { email: "admin@example.com", password: "nope" })).status).toBe(401);
    expect((await admin.call("/ui-api/login", { email: "admin@example.com", password: "admin-password" })).status).toBe(
      200,
    );
    expect(admin.cookie).toMatch(/^stint_session=/);
    const me = await admin.call("/ui-api/me");
    expect(me.body.user.email).toBe("admin@example.com");
    expect(me.body.organizations[0].projects[0].environments).toHaveLength(3);
  });

  it("a magic link printed to the log logs in once", async () => {
    const visitor = new Session();
    expect((await visitor.call("/ui-api/login/magic", { email: "admin@example.com" })).body).toEqual({ sent: true });
    expect((await visitor.call("/ui-api/login/magic", { email: "nobody@example.com" })).body).toEqual({ sent: true });
    const link = log.map((line) => /magic link for admin@example\.com: (\S+)/.exec(line)?.[1]).find(Boolean)!;
    expect(log.join("\n")).not.toContain("nobody@example.com");
    const path = new URL(link).pathname;
    const first = await visitor.call(path);
    expect(first.status).toBe(302);
    expect(first.location).toBe("/");
    expect((await visitor.call("/ui-api/me")).status).toBe(200);
    const second = await new Session().call(path);
    expect(second.location).toBe("/login?error=expired");
  });

  it("an invite creates the teammate's account and membership; members cannot invite or rotate keys", async () => {
    const invited = await admin.call(`/ui-api/organizations/${organizationId}/invites`, {
      email: "bob@example.com",
      role: "MEMBER",
    });
    const token = new URL(invited.body.inviteUrl).pathname.split("/").pop()!;
    expect(log.join("\n")).toContain("bob@example.com");

    const bob = new Session();
    expect((await bob.call(`/ui-api/invites/${token}`)).body).toMatchObject({
      email: "bob@example.com",
      role: "MEMBER",
    });
    expect((await bob.call(`/ui-api/invites/${token}/accept`, { password: "short" })).status).toBe(400);
    expect((await bob.call(`/ui-api/invites/${token}/accept`, { password: "bobs-password", name: "Bob" })).status).toBe(
      200,
    );
    expect((await bob.call("/ui-api/me")).body.organizations.map((o: { id: string }) => o.id)).toEqual([
      organizationId,
    ]);
    expect((await new Session().call(`/ui-api/invites/${token}/accept`, { password: "another-one" })).status).toBe(404);

    expect(
      (await bob.call(`/ui-api/organizations/${organizationId}/invites`, { email: "eve@example.com" })).status,
    ).toBe(403);
    expect((await bob.call(`/ui-api/environments/${t.dev.id}/keys/rotate`, {})).status).toBe(403);
    const members = await admin.call(`/ui-api/organizations/${organizationId}/members`);
    expect(members.body.members.map((m: { email: string }) => m.email).sort()).toEqual([
      "admin@example.com",
      "bob@example.com",
    ]);
  });

  it("an invite's link opens its page in a browser, which creates the account and goes to the runs", async () => {
    const invited = await admin.call(`/ui-api/organizations/${organizationId}/invites`, {
      email: "carol@example.com",
      role: "MEMBER",
    });
    const browser = await chromium.launch({
      executablePath: inject("chromiumPath"),
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    try {
      const page = await browser.newPage();
      // The invite URL as the webapp prints it: a page exported once, served for every token.
      await page.goto(invited.body.inviteUrl);
      await page.getByText("carol@example.com").waitFor();
      await page.getByLabel("Name").fill("Carol");
      await page.getByLabel("New password").fill("carols-password");
      await page.getByRole("button", { name: "Accept invite" }).click();
      await page.waitForURL(/\/runs$/);
      const carol = new Session();
      expect(
        (await carol.call("/ui-api/login", { email: "carol@example.com", password: "carols-password" })).status,
      ).toBe(200);
    } finally {
      await browser.close();
    }
  });

  it("another organisation's environments do not exist for a user; state changes must be JSON", async () => {
    const outsider = new Session();
    await createUser(t.webapp.db, { email: "outsider@example.com", password: "outsider-password" });
    await outsider.call("/ui-api/login", { email: "outsider@example.com", password: "outsider-password" });
    expect((await outsider.call(`/ui-api/environments/${t.dev.id}/runs`)).status).toBe(404);
    const form = await fetch(`${t.webapp.url}/ui-api/environments/${t.dev.id}/keys/rotate`, {
      method: "POST",
      headers: { cookie: admin.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    expect(form.status).toBe(415);
  });

  it("a sweep of the dashboard's API with malformed ids, bodies and queries never gets a 5xx", async () => {
    const signedIn = new Session();
    expect(
      (await signedIn.call("/ui-api/login", { email: "admin@example.com", password: "admin-password" })).status,
    ).toBe(200);
    const routes: [string, string][] = [
      ["POST", "/login"],
      ["POST", "/login/magic"],
      ["GET", "/login/magic/{id}"],
      ["GET", "/auth/github/callback"],
      ["GET", "/invites/{id}"],
      ["POST", "/invites/{id}/accept"],
      ["GET", "/environments/{env}/runs"],
      ["GET", "/environments/{env}/runs/{id}"],
      ["GET", "/environments/{env}/runs/{id}/logs"],
      ["POST", "/environments/{env}/runs/{id}/cancel"],
      ["POST", "/environments/{env}/runs/{id}/replay"],
      ["POST", "/environments/{env}/runs/{id}/reschedule"],
      ["GET", "/environments/{env}/tasks"],
      ["GET", "/environments/{env}/task-stats"],
      ["GET", "/environments/{env}/schedules"],
      ["POST", "/environments/{env}/schedules/{id}/activate"],
      ["GET", "/environments/{env}/queues"],
      ["POST", "/environments/{env}/queues/{id}/pause"],
      ["POST", "/environments/{env}/queues/{id}/limit"],
      ["POST", "/environments/{env}/tasks/{id}/trigger"],
      ["GET", "/environments/{env}/workers"],
      ["GET", "/organizations/{env}/members"],
      ["POST", "/organizations/{env}/invites"],
      ["POST", "/organizations/{env}/members/{id}/remove"],
    ];
    const environments = [t.dev.id, organizationId, "x", "%00", "a".repeat(300)];
    const ids = ["run_doesnotexist000000000000", "x", "%00", "%FF", "a".repeat(300)];
    const bodies = [
      "{oops",
      "null",
      "[]",
      "",
      JSON.stringify({
        email: 5,
        password: {},
        delay: [],
        concurrencyLimit: "many",
        payload: "\u0000",
        role: "OWNER",
        name: "\u0000",
      }),
    ];
    const queries = ["", "?status=NOPE&period=forever&after=%FF", "?task=%00&tag="];
    const failures: string[] = [];
    let answered = 0;
    for (const [method, template] of routes) {
      for (const env of environments) {
        for (const id of ids) {
          const variants =
            method === "GET"
              ? queries.map((query) => [undefined, query] as const)
              : bodies.map((body, i) => [body, queries[i % queries.length]!] as const);
          for (const [body, query] of variants) {
            const path = `/ui-api${template.replace("{env}", env).replace("{id}", id)}${query}`;
            const response = await fetch(`${t.webapp.url}${path}`, {
              method,
              body,
              redirect: "manual",
              headers: { cookie: signedIn.cookie, "content-type": "application/json" },
            });
            if (response.status >= 500)
              failures.push(
                `${method} ${path.slice(0, 120)} → ${response.status} ${(await response.text()).slice(0, 200)}`,
              );
            else if ((await response.arrayBuffer()) && response.status < 300) answered++;
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The sweep ran signed in: the well-formed requests among it were answered.
    expect(answered).toBeGreaterThan(20);
  }, 180_000);
});
