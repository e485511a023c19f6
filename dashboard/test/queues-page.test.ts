/**
 * The dashboard's Queues page shows the dispatcher's view of each queue — running, queued, limit, pause, rate limits,
 * the running and waiting runs per concurrency key — and the environment's and organisation's limits, and sets a
 * queue's rate limit from the page (Rate…). Chromium, real Temporal, real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { task } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { createMember, launchChromium, loggedInPage, loginCookie } from "./harness/dashboard-browser.js";

const work = task({
  id: "qp-work",
  queue: { concurrencyLimit: 1 },
  run: async () => new Promise((r) => setTimeout(r, 8_000)),
});

let t: TestWebapp;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  t = await startTestWebapp({ ui: true });
  await t.serveTasks([work.id], { queues: declaredQueues().filter((q) => q.name === "task/qp-work") });
  await createMember(t, "queues@example.com", "queues-page-password");
  const cookie = await loginCookie(t, "queues@example.com", "queues-page-password");
  browser = await launchChromium();
  page = await loggedInPage(browser, t, cookie);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const api = (path: string, body: unknown) =>
  fetch(`${t.webapp.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("queues page", () => {
  it("shows rate limits and each concurrency key's share, and sets a rate limit", { timeout: 120_000 }, async () => {
    expect(
      (await api(`/api/v1/queues/${work.id}/settings`, { type: "task", rateLimit: { limit: 30, period: "1m" } }))
        .status,
    ).toBe(200);
    for (const key of ["tenant-a", "tenant-a", "tenant-b"])
      await api(`/api/v1/tasks/${work.id}/trigger`, { payload: {}, options: { concurrencyKey: key } });

    await page.goto(`${t.webapp.url}/queues?env=${t.dev.id}`);
    await page.getByTestId("environment-limits").getByText("up to 50 running", { exact: false }).waitFor();
    const row = page.locator(`tr[data-queue="${work.id}"]`);
    await expect.poll(() => row.getByTestId("queue-rate-limit").textContent(), { timeout: 15_000 }).toBe("30 / 1m");
    // Limit 1 per key: each key runs one; tenant-a's second waits (rate 30/1m lets one start every 2 s).
    await expect
      .poll(() => row.getByTestId("queue-keys").textContent(), { timeout: 30_000 })
      .toMatch(/tenant-a: 1 running, 1 waiting.*tenant-b: 1 running, 0 waiting/);

    const answers = ["5/1m burst 2", "1/1s", ""];
    page.on("dialog", (dialog) => void dialog.accept(answers.shift()));
    await row.getByRole("button", { name: "Rate…" }).click();
    await expect
      .poll(() => row.getByTestId("queue-rate-limit").textContent(), { timeout: 15_000 })
      .toBe("5 / 1m (burst 2) per key 1 / 1s");
  });
});
