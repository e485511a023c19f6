/**
 * The dashboard in Debian's Chromium (playwright-core): log in with the admin login first boot printed, trigger a
 * task from the test page and watch the run complete live, see it appear in the runs list, replay it, and cancel a
 * waiting run. Screenshots go to dashboard/test-screenshots/ (git-ignored).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { configure as configureStint, streams, task, wait } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { launchChromium } from "./harness/dashboard-browser.js";

const hello = task({
  id: "e2e-hello",
  run: async (payload: { name: string }) => ({ greeting: `Hello ${payload.name}` }),
});
const patient = task({
  id: "e2e-patient",
  run: async () => {
    await wait.for({ minutes: 10 });
    return "done";
  },
});

const streamer = task({
  id: "e2e-streamer",
  run: async () => {
    async function* words() {
      for (const word of ["Streaming ", "to ", "the ", "dashboard."]) yield word;
    }
    await streams.pipe("story", words()).waitUntilComplete();
    return "told";
  },
});

const SCREENSHOTS = join(import.meta.dirname, "../test-screenshots");
let t: TestWebapp;
let browser: Browser;
let page: Page;
/** What the webapp printed: first boot's admin login among it. */
const printed: string[] = [];
let admin: { email: string; password: string };

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  t = await startTestWebapp({
    ui: true,
    temporalUiUrl: "http://127.0.0.1:8233",
    bootstrap: true,
    log: (line) => printed.push(line),
  });
  const login = printed.map((line) => /Admin login:\s+(\S+) \/ (\S+)/.exec(line)).find(Boolean);
  if (!login) throw new Error(`first boot printed no admin login:\n${printed.join("\n")}`);
  admin = { email: login[1]!, password: login[2]! };
  await t.serveTasks([hello.id, patient.id, streamer.id]);
  // What `stint dev` in webapp mode gives task code, for the streaming task.
  configureStint({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Triggers a task from the test page and lands on the run's page. */
async function triggerFromTestPage(taskId: string, payload: string): Promise<void> {
  await page.goto(`${t.webapp.url}/test?env=${t.dev.id}`);
  // The page prefills the first known task once its list loads: typing before that would race the prefill.
  await page.getByTestId("tasks-loading").waitFor({ state: "detached" });
  await page.getByLabel("Task id").fill(taskId);
  await page.getByLabel("Payload").fill(payload);
  await page.getByRole("button", { name: "Run test" }).click();
  await page.waitForURL(/\/runs\/run_/);
}

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe("dashboard in Chromium", () => {
  it("refuses a wrong password, then logs in with the printed admin login and lands on the runs page", async () => {
    expect(admin.email).toBe("admin@localhost");
    await page.goto(`${t.webapp.url}/login`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("Wrong email or password").waitFor();
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/runs");
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    await shot("01-runs-empty");
  });

  it("triggers a task from the test page and watches the run complete live", async () => {
    await triggerFromTestPage("e2e-hello", '{ "name": "Ada" }');
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("COMPLETED");
    expect(await page.getByTestId("run-output").textContent()).toContain("Hello Ada");
    await shot("02-run-completed");

    const runId = page.url().match(/runs\/(run_[a-z0-9]+)/)![1]!;
    await page.goto(`${t.webapp.url}/runs?env=${t.dev.id}`);
    await page.locator(`tr[data-run-id="${runId}"]`).getByText("COMPLETED").waitFor({ timeout: 15_000 });
    await shot("03-runs-list");
  });

  it("replays a finished run from its page", async () => {
    await page.locator("tr[data-run-id] a").first().click();
    const original = page.url();
    await page.getByRole("button", { name: "Replay" }).click();
    await page.waitForURL((url) => url.toString() !== original && /\/runs\/run_/.test(url.toString()));
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("COMPLETED");
  });

  it("cancels a waiting run", async () => {
    await triggerFromTestPage("e2e-patient", "{}");
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("WAITING");
    // No empty Output box while it runs: a line saying there is none yet.
    expect(await page.getByTestId("run-output-pending").textContent()).toBe("No output yet: the run is WAITING.");
    expect(await page.getByTestId("run-output").count()).toBe(0);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("CANCELED");
    await shot("04-run-canceled");
  });

  it("shows a run's realtime stream on its page", async () => {
    await triggerFromTestPage("e2e-streamer", "{}");
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 60_000 }).toBe("COMPLETED");
    const story = page.locator('[data-stream="story"]');
    await expect
      .poll(() => story.getByTestId("stream-text").textContent(), { timeout: 10_000 })
      .toBe("Streaming to the dashboard.");
    expect(await story.getByText("complete").count()).toBe(1);
    await shot("05-run-stream");
  });

  it("shows tasks with their run counts, and pauses a schedule", async () => {
    await page.goto(`${t.webapp.url}/tasks?env=${t.dev.id}`);
    await expect
      .poll(
        async () =>
          Number(
            await page
              .locator('tr[data-task="e2e-hello"] td')
              .nth(4)
              .textContent()
              .catch(() => "0"),
          ),
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(2);

    const created = await fetch(`${t.webapp.url}/api/v1/schedules`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        task: "e2e-hello",
        cron: "0 6 * * *",
        timezone: "America/New_York",
        deduplicationKey: "e2e-morning",
      }),
    });
    expect(created.status).toBe(200);
    await page.goto(`${t.webapp.url}/schedules?env=${t.dev.id}`);
    await page.getByText("America/New_York").waitFor();
    await page.getByRole("button", { name: "Deactivate" }).click();
    await page.getByRole("button", { name: "Activate" }).waitFor();
    await page.getByText("paused").waitFor();
    await shot("06-schedules");
  });

  it("pauses a queue from the queues page: its runs wait, then run on resume", async () => {
    // A session declaring the queue with a limit (runs go to the newest session that registered the task, so it is
    // one that executes them).
    await t.serveTasks(["e2e-hello"], {
      queues: [{ name: "task/e2e-hello", type: "task", concurrencyLimit: 5, tasks: ["e2e-hello"] }],
    });
    await page.goto(`${t.webapp.url}/queues?env=${t.dev.id}`);
    const row = page.locator('tr[data-queue="e2e-hello"]');
    await row.getByTestId("queue-status").getByText("active").waitFor();
    await row.getByRole("button", { name: "Pause" }).click();
    await row.getByTestId("queue-status").getByText("paused").waitFor();

    const triggered = await fetch(`${t.webapp.url}/api/v1/tasks/e2e-hello/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ payload: { name: "Paused" } }),
    });
    const { id } = (await triggered.json()) as { id: string };
    await expect.poll(() => row.getByTestId("queue-queued").textContent(), { timeout: 15_000 }).toBe("1");
    await shot("07-queue-paused");
    await row.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => row.getByTestId("queue-queued").textContent(), { timeout: 15_000 }).toBe("0");
    await page.goto(`${t.webapp.url}/runs/${id}?env=${t.dev.id}`);
    await expect.poll(() => page.getByTestId("run-status").textContent(), { timeout: 30_000 }).toBe("COMPLETED");
  });

  it("rotates a key and shows the new one once", async () => {
    await page.goto(`${t.webapp.url}/keys?env=${t.dev.id}`);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Rotate" }).first().click();
    const revealed = await page.getByTestId("revealed-key").textContent();
    expect(revealed).toMatch(/^tr_(dev|stg|prod)_/);
    const response = await fetch(`${t.webapp.url}/api/v1/runs`, { headers: { authorization: `Bearer ${revealed}` } });
    expect(response.status).toBe(200);
    await shot("05-keys");
  });
});
