/**
 * The dashboard's runs list: durations are execution time (not the time a run waited in its queue), a run is found
 * by its id, and older runs are reached page by page — the pages in Debian's Chromium (playwright-core), runs
 * triggered with the real @trigger.dev/sdk 4.8.3, on a real webapp, PostgreSQL and Temporal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { configure, runs, tasks } from "trigger-sdk-latest";
import { task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { createMember, fetchUiApi, launchChromium, loginCookie } from "./harness/dashboard-browser.js";

const quick = task({ id: "runs-list-quick", run: async () => "done" });
const IDLE_TASK = "runs-list-idle";

let t: TestWebapp;
let browser: Browser;
let page: Page;
let cookie = "";

const ui = (path: string) => fetchUiApi(t, cookie, path);

beforeAll(async () => {
  t = await startTestWebapp({ ui: true });
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  await createMember(t, "runs@example.com", "runs-list-password");
  cookie = await loginCookie(t, "runs@example.com", "runs-list-password");
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

let quickRunId: string;

describe("runs list", () => {
  it("shows a run's execution time, not the time it waited in its queue", async () => {
    // No session serves the task yet: the run waits QUEUED, then runs in a few milliseconds once one does.
    quickRunId = (await tasks.trigger(quick.id, {})).id;
    await expect.poll(async () => (await runs.retrieve(quickRunId)).status, { timeout: 30_000 }).toBe("QUEUED");
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await t.serveTasks([quick.id]);
    await expect.poll(async () => (await runs.retrieve(quickRunId)).status, { timeout: 60_000 }).toBe("COMPLETED");
    await expect
      .poll(
        async () =>
          (await ui(`/environments/${t.dev.id}/runs`)).body.data.find(
            (r: { id: string; status: string }) => r.id === quickRunId && r.status === "COMPLETED",
          ),
        { timeout: 30_000 },
      )
      .toBeTruthy();
    const run = (await ui(`/environments/${t.dev.id}/runs`)).body.data.find((r: { id: string }) => r.id === quickRunId);
    expect(run.durationMs).toBeGreaterThan(0);
    // It waited 4 s in the queue; its code takes milliseconds.
    expect(run.durationMs).toBeLessThan(2_000);
  });

  it("finds a run by its id, and refuses what is not a run id", async () => {
    const found = await ui(`/environments/${t.dev.id}/runs?runId=${quickRunId}`);
    expect(found.status).toBe(200);
    expect(found.body.data.map((r: { id: string }) => r.id)).toEqual([quickRunId]);
    expect((await ui(`/environments/${t.dev.id}/runs?runId=run_doesnotexist0`)).body.data).toEqual([]);
    const bad = await ui(`/environments/${t.dev.id}/runs?runId=${encodeURIComponent("DROP TABLE")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/runId/);
    const badLimit = await ui(`/environments/${t.dev.id}/runs?limit=500`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error).toMatch(/limit/);
  });

  it("pages through more than 50 runs in the browser and searches by run id", async () => {
    await tasks.batchTrigger(
      IDLE_TASK,
      Array.from({ length: 52 }, (_, i) => ({ payload: { i } })),
    );
    // Visibility is eventually consistent: wait until every run is listed.
    await expect
      .poll(async () => (await ui(`/environments/${t.dev.id}/runs?limit=100`)).body.data.length, { timeout: 60_000 })
      .toBe(53);
    const listed = (await ui(`/environments/${t.dev.id}/runs?limit=100`)).body.data as {
      id: string;
      taskIdentifier: string;
    }[];
    const searched = listed.find((r) => r.taskIdentifier === IDLE_TASK)!.id;

    await page.goto(`${t.webapp.url}/login`);
    await page.getByLabel("Email").fill("runs@example.com");
    await page.getByLabel("Password").fill("runs-list-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/runs");
    await page.goto(`${t.webapp.url}/runs?env=${t.dev.id}`);
    const rows = page.locator("tr[data-run-id]");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(50);
    await page.getByRole("button", { name: "Older runs →" }).click();
    await expect.poll(() => page.getByTestId("runs-page").textContent(), { timeout: 15_000 }).toBe("Page 2");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    // The quick run was triggered first: it is on the last page, with its execution time.
    await page.locator(`tr[data-run-id="${quickRunId}"]`).waitFor();
    expect(await page.locator(`tr[data-run-id="${quickRunId}"]`).getByTestId("run-duration").textContent()).toMatch(
      /^\d+ ms$/,
    );
    expect(await page.getByRole("button", { name: "Older runs →" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "← Newer runs" }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(50);

    await page.getByLabel("Run id").fill(searched);
    // A search is one API call; on a loaded machine (CI saw 15 s go by at load 18) it can take a while.
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(1);
    expect(await rows.first().getAttribute("data-run-id")).toBe(searched);
  });
});
