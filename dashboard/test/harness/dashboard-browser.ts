/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core (nothing downloaded), and a member of
 * the test webapp's organisation logged in — through the login page or, for tests about another page, its session
 * cookie.
 */
import { inject } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { createUser } from "../../src/index.js";
import type { TestWebapp } from "./index.js";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject("chromiumPath"),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
    ],
  });
}

/** An admin of the test project's organisation. */
export async function createMember(t: TestWebapp, email: string, password: string): Promise<void> {
  const project = await t.webapp.db.project.findUniqueOrThrow({ where: { id: t.project.id } });
  await createUser(t.webapp.db, { email, password, organizationId: project.organizationId, role: "ADMIN" });
}

/** Logs in through /ui-api/login; the session cookie (`name=value`) for fetch and for the browser. */
export async function loginCookie(t: TestWebapp, email: string, password: string): Promise<string> {
  const login = await fetch(`${t.webapp.url}/ui-api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login as ${email} answered ${login.status}: ${await login.text()}`);
  return login.headers.get("set-cookie")!.split(";")[0]!;
}

/** A page of `browser` already logged in with `cookie`. */
export async function loggedInPage(browser: Browser, t: TestWebapp, cookie: string): Promise<Page> {
  const page = await browser.newPage();
  const [name, value] = cookie.split("=") as [string, string];
  await page.context().addCookies([{ name, value, url: t.webapp.url }]);
  return page;
}

/** GET `/ui-api<path>` as the member logged in with `cookie`: the answer's status and JSON body. */
export async function fetchUiApi(t: TestWebapp, cookie: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.webapp.url}/ui-api${path}`, { headers: { cookie } });
  return { status: response.status, body: await response.json() };
}
