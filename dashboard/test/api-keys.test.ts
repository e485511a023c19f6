/**
 * The API keys page in Debian's Chromium (playwright-core): staging and production secret keys can be revealed, as
 * Trigger.dev's page shows them, read back from their sealed copy; a key kept only as a hash says so and how to get
 * one that can be shown; a rotation shows the new key and its new "Rotated" time. The revealed keys are checked
 * against the REST API with the real @trigger.dev/sdk 4.8.3.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { configure, runs } from "trigger-sdk-latest";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { createMember, launchChromium } from "./harness/dashboard-browser.js";

let t: TestWebapp;
let browser: Browser;
let page: Page;

/** Lists runs with `secretKey` through the real SDK: it works only with a live key of that environment. */
async function keyWorks(secretKey: string): Promise<boolean> {
  configure({ baseURL: t.webapp.url, accessToken: secretKey });
  return runs.list({ limit: 1 }).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  t = await startTestWebapp({ ui: true });
  await createMember(t, "keys@example.com", "api-keys-password");
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${t.webapp.url}/login`);
  await page.getByLabel("Email").fill("keys@example.com");
  await page.getByLabel("Password").fill("api-keys-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/runs");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const row = (type: string) => page.locator(`tr[data-environment="${type}"]`);

describe("API keys page", () => {
  it("reveals the production key once it is kept sealed; a hash-only key says to rotate it", async () => {
    // The test's project was made without sealed copies: its production key exists only as a hash until it is used.
    await page.goto(`${t.webapp.url}/keys?env=${t.dev.id}`);
    await row("PRODUCTION").getByRole("button", { name: "Reveal" }).click();
    await page.getByText(/stored only as a hash.*rotate it/).waitFor();

    // Its first use keeps a sealed copy (as every key created now has one from the start).
    expect(await keyWorks(t.prod.secretKey)).toBe(true);
    await page.reload();
    await row("PRODUCTION").getByRole("button", { name: "Reveal" }).click();
    await expect
      .poll(() => row("PRODUCTION").getByTestId("revealed-key").textContent(), { timeout: 15_000 })
      .toBe(t.prod.secretKey);
  });

  it("rotating the staging key shows the new key and updates its Rotated time", async () => {
    await page.goto(`${t.webapp.url}/keys?env=${t.dev.id}`);
    const rotatedBefore = await row("STAGING").getByTestId("key-rotated-at").textContent();
    // The page shows the time to the second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    page.once("dialog", (dialog) => void dialog.accept());
    await row("STAGING").getByRole("button", { name: "Rotate" }).click();
    const revealed = row("STAGING").getByTestId("revealed-key");
    await revealed.waitFor();
    const newKey = (await revealed.textContent())!;
    expect(newKey).toMatch(/^tr_stg_/);
    expect(await row("STAGING").getByTestId("key-rotated-at").textContent()).not.toBe(rotatedBefore);
    expect(await keyWorks(newKey)).toBe(true);

    // Revealed again later, it is the same new key.
    await page.reload();
    await row("STAGING").getByRole("button", { name: "Reveal" }).click();
    await expect.poll(() => revealed.textContent(), { timeout: 15_000 }).toBe(newKey);
    expect(await row("STAGING").getByTestId("key-rotated-at").textContent()).not.toBe(rotatedBefore);
  });
});
