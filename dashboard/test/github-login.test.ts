/**
 * "Log in with GitHub": the OAuth web flow end to end. GitHub itself cannot be reached from here, so a stand-in
 * provider on loopback plays its three endpoints (authorize, token, /user/emails) — the only fake in this file.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

/** The stand-in: approves every authorize request for whichever email the test chose. */
let githubEmail = "octo@example.com";
const issuedCodes = new Map<string, string>();
let provider: Server;
let providerUrl: string;

function startProvider(): Promise<void> {
  provider = createServer((req, res) => {
    const url = new URL(req.url!, "http://localhost");
    if (url.pathname === "/login/oauth/authorize") {
      const code = `code-${issuedCodes.size + 1}`;
      issuedCodes.set(code, githubEmail);
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state")!);
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const { code, client_secret: secret } = JSON.parse(body) as { code: string; client_secret: string };
        const email = issuedCodes.get(code);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            email && secret === "shh" ? { access_token: `token-for:${email}` } : { error: "bad_verification_code" },
          ),
        );
      });
      return;
    }
    if (url.pathname === "/user/emails") {
      const email = (req.headers.authorization ?? "").replace(/^Bearer token-for:/, "");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify([
          { email: "other@example.com", primary: false, verified: true },
          { email, primary: true, verified: true },
        ]),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => provider.listen(0, "127.0.0.1", () => resolve()));
}

let t: TestWebapp;
beforeAll(async () => {
  await startProvider();
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  t = await startTestWebapp({
    github: { clientId: "stint-test", clientSecret: "shh", oauthUrl: providerUrl, apiUrl: providerUrl },
    log: () => undefined,
  });
  const org = await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } });
  await createUser(t.webapp.db, {
    email: "octo@example.com",
    password: "irrelevant",
    organizationId: org.organizationId,
    role: "MEMBER",
  });
});
afterAll(async () => {
  await t?.stop();
  provider?.close();
});

/** Follows the flow the way a browser would: redirects by hand, cookies kept per host. */
async function gitHubLogin(): Promise<{ landing: string; session?: string }> {
  const start = await fetch(`${t.webapp.url}/ui-api/auth/github`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const stateCookie = start.headers.get("set-cookie")!.split(";")[0]!;
  const authorize = new URL(start.headers.get("location")!);
  expect(authorize.origin).toBe(providerUrl);
  expect(authorize.searchParams.get("client_id")).toBe("stint-test");
  expect(authorize.searchParams.get("scope")).toBe("user:email");

  const approved = await fetch(authorize, { redirect: "manual" });
  const callback = await fetch(approved.headers.get("location")!, {
    redirect: "manual",
    headers: { cookie: stateCookie },
  });
  expect(callback.status).toBe(302);
  const session = callback.headers.getSetCookie().find((cookie) => cookie.startsWith("stint_session="));
  return { landing: callback.headers.get("location")!, session: session?.split(";")[0] };
}

describe("GitHub login", () => {
  it("the login page learns that GitHub login is on", async () => {
    const providers = await fetch(`${t.webapp.url}/ui-api/auth/providers`);
    expect(await providers.json()).toEqual({ github: true });
  });

  it("logs in the account whose email GitHub vouches for", async () => {
    githubEmail = "octo@example.com";
    const { landing, session } = await gitHubLogin();
    expect(landing).toBe("/");
    expect(session).toBeDefined();
    const me = await fetch(`${t.webapp.url}/ui-api/me`, { headers: { cookie: session! } });
    expect(me.status).toBe(200);
    expect((await me.json()).user.email).toBe("octo@example.com");
  });

  it("does not create accounts: an unknown email goes back to the login page", async () => {
    githubEmail = "stranger@example.com";
    const { landing, session } = await gitHubLogin();
    expect(landing).toBe("/login?error=no-account&email=stranger%40example.com");
    expect(session).toBeUndefined();
    expect(await t.webapp.db.user.findUnique({ where: { email: "stranger@example.com" } })).toBeNull();
  });

  it("refuses a callback that did not start in this browser (state mismatch)", async () => {
    const forged = await fetch(`${t.webapp.url}/ui-api/auth/github/callback?code=code-1&state=guess`, {
      redirect: "manual",
    });
    expect(forged.status).toBe(400);
    expect((await forged.json()).error).toMatch(/state/);
    const missing = await fetch(`${t.webapp.url}/ui-api/auth/github/callback`, { redirect: "manual" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/code/);
  });
});
