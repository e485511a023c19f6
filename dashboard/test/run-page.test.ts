/**
 * The run page of a waiting run, in Debian's Chromium (playwright-core): its waitpoints link to the child runs they
 * triggered and show the token it waits for, its attempt shows WAITING (not EXECUTING) while the run waits, and its
 * logs can be filtered by level. A real webapp, PostgreSQL and Temporal; the token completed with the real
 * @trigger.dev/sdk 4.8.3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { configure, runs, tasks, wait as triggerWait } from "trigger-sdk-latest";
import { task, wait } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { createMember, fetchUiApi, launchChromium, loggedInPage, loginCookie } from "./harness/dashboard-browser.js";

const child = task({ id: "run-page-child", run: async () => "child done" });
const parent = task({
  id: "run-page-parent",
  run: async () => {
    await child.triggerAndWait();
    const token = await wait.createToken({ timeout: "10m" });
    const result = await wait.forToken<{ approved: boolean }>(token.id);
    return result.ok ? result.output : "timed out";
  },
});

let t: TestWebapp;
let browser: Browser;
let page: Page;
let cookie = "";

const ui = (path: string) => fetchUiApi(t, cookie, path);

beforeAll(async () => {
  t = await startTestWebapp({ ui: true });
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  await t.serveTasks([parent.id, child.id]);
  await createMember(t, "run-page@example.com", "run-page-password");
  cookie = await loginCookie(t, "run-page@example.com", "run-page-password");
  browser = await launchChromium();
  page = await loggedInPage(browser, t, cookie);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe("run page", () => {
  it("links a waitpoint to its child run, shows the token, the attempt as WAITING, and filters logs by level", async () => {
    const { id } = await tasks.trigger(parent.id, {});
    // It waits on its child first, then on the token.
    const waitpoints = async () => (await ui(`/environments/${t.dev.id}/runs/${id}`)).body.waitpoints as any[];
    await expect
      .poll(async () => (await waitpoints()).some((w) => w.type === "waitToken"), { timeout: 60_000 })
      .toBe(true);
    await expect.poll(async () => (await runs.retrieve(id)).status, { timeout: 60_000 }).toBe("WAITING");
    const body = { waitpoints: await waitpoints() };
    const childWaitpoint = body.waitpoints.find((w: { type: string }) => w.type === "triggerAndWait");
    const childRunId: string = childWaitpoint.runIds[0];
    expect(childRunId).toMatch(/^run_/);
    const tokenId: string = body.waitpoints.find((w: { type: string }) => w.type === "waitToken").tokenId;
    expect(tokenId).toMatch(/^waitpoint_/);
    // The lines a session ships for the run, one of each level.
    const shipped = await fetch(`${t.webapp.url}/engine/v1/runs/logs`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        logs: (["debug", "log", "info", "warn", "error"] as const).map((level) => ({
          runId: id,
          level,
          message: `a ${level} line`,
          time: new Date().toISOString(),
        })),
      }),
    });
    expect(shipped.status).toBe(200);

    await page.goto(`${t.webapp.url}/runs/${id}?env=${t.dev.id}`);
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("WAITING");
    expect(await page.locator('tr[data-attempt="1"]').getByTestId("attempt-status").textContent()).toBe("WAITING");
    expect(await page.getByText("EXECUTING").count()).toBe(0);
    const tokenRow = page.locator("tr[data-waitpoint]").filter({ hasText: "waitToken" });
    expect(await tokenRow.getByTestId("waitpoint-token").textContent()).toBe(tokenId);

    const logRows = page.getByTestId("run-logs").locator("tr[data-log-level]");
    await expect.poll(() => logRows.count(), { timeout: 15_000 }).toBe(5);
    await page.getByLabel("Log level").selectOption("error");
    await expect.poll(() => logRows.count(), { timeout: 15_000 }).toBe(1);
    expect(await logRows.first().textContent()).toContain("a error line");
    await page.getByLabel("Log level").selectOption("warn");
    await expect.poll(() => logRows.first().textContent(), { timeout: 15_000 }).toContain("a warn line");
    expect(await logRows.count()).toBe(1);
    const refused = await ui(`/environments/${t.dev.id}/runs/${id}/logs?level=loud`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/level/);

    // The child's link opens the child's run page.
    await page.getByTestId("waitpoint-run").filter({ hasText: childRunId }).click();
    await page.waitForURL(new RegExp(`/runs/${childRunId}`));
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("COMPLETED");

    await triggerWait.completeToken(tokenId, { approved: true });
    await expect.poll(async () => (await runs.retrieve(id)).status, { timeout: 60_000 }).toBe("COMPLETED");
    await page.goto(`${t.webapp.url}/runs/${id}?env=${t.dev.id}`);
    await expect
      .poll(() => page.locator('tr[data-attempt="1"]').getByTestId("attempt-status").textContent(), {
        timeout: 30_000,
      })
      .toBe("COMPLETED");
  });
});
