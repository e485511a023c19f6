/**
 * The Workers page's `stint dev` sessions, in Debian's Chromium (playwright-core): sessions gone for over an hour are
 * not listed but counted, a "Show disconnected" toggle lists them, and each session shows its project. A real webapp
 * and PostgreSQL; sessions registered through the dev-session API as `stint dev` registers them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { createMember, fetchUiApi, launchChromium, loggedInPage, loginCookie } from "./harness/dashboard-browser.js";

let t: TestWebapp;
let browser: Browser;
let page: Page;
let cookie = "";

const ui = (path: string) => fetchUiApi(t, cookie, path);

async function registerSession(label: string): Promise<string> {
  const response = await fetch(`${t.webapp.url}/engine/v1/dev/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ tasks: ["workers-task"], label }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  t = await startTestWebapp({ ui: true });
  await createMember(t, "workers@example.com", "workers-page-password");
  cookie = await loginCookie(t, "workers@example.com", "workers-page-password");
  browser = await launchChromium();
  page = await loggedInPage(browser, t, cookie);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe("workers page", () => {
  it("hides sessions gone for over an hour behind a count and a toggle, and names each session's project", async () => {
    const current = await registerSession("current session");
    const yesterday = await registerSession("yesterday's session");
    const stoppedLongAgo = await registerSession("stopped two hours ago");
    // Time passes: one session stopped heartbeating a day ago, another ended two hours ago.
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    await t.webapp.db.devSession.update({ where: { id: yesterday }, data: { lastHeartbeat: hoursAgo(24) } });
    await t.webapp.db.devSession.update({
      where: { id: stoppedLongAgo },
      data: { lastHeartbeat: hoursAgo(2), endedAt: hoursAgo(2) },
    });

    const listed = await ui(`/environments/${t.dev.id}/workers`);
    expect(listed.body.sessions.map((s: { id: string }) => s.id)).toEqual([current]);
    expect(listed.body.hiddenDisconnected).toBe(2);
    const all = await ui(`/environments/${t.dev.id}/workers?disconnected=show`);
    expect(new Set(all.body.sessions.map((s: { id: string }) => s.id))).toEqual(
      new Set([current, yesterday, stoppedLongAgo]),
    );
    const refused = await ui(`/environments/${t.dev.id}/workers?disconnected=maybe`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/disconnected/);

    await page.goto(`${t.webapp.url}/workers?env=${t.dev.id}`);
    const rows = page.locator("tr[data-session-id]");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId("hidden-sessions").textContent()).toMatch(
      /^2 sessions disconnected for over an hour/,
    );
    expect(await rows.first().getByTestId("session-project").textContent()).toContain(t.project.ref);
    await page.getByLabel("Show disconnected").check();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    const status = (id: string) => page.locator(`tr[data-session-id="${id}"] td[data-status]`).textContent();
    expect(await status(yesterday)).toBe("gone");
    expect(await status(stoppedLongAgo)).toBe("stopped");
  });
});
