/** Environment variables through the real SDK: CRUD and import for the key's own environment, encrypted at rest. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, envvars, runs, tasks } from "@trigger.dev/sdk";
import { configure as configureStint, envvars as stintEnvvars, task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

/** Task code using Stint's SDK: inside a run, envvars.* default to the run's own project and environment. */
const settingsReader = task({
  id: "envvars-in-task",
  run: async () => {
    await stintEnvvars.create({ name: "SET_BY_TASK", value: "yes" });
    await stintEnvvars.update("SET_BY_TASK", { value: "updated" });
    return (await stintEnvvars.list()).map((v) => `${v.name}=${v.value}`);
  },
});

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  // What `stint dev` in webapp mode gives task code (TRIGGER_API_URL / TRIGGER_SECRET_KEY).
  configureStint({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  await t.serveTasks([settingsReader.id]);
});

afterAll(async () => {
  await t?.stop();
});

describe("environment variables", () => {
  it("create, list, retrieve, update, delete", async () => {
    const ref = t.project.ref;
    await envvars.create(ref, "dev", { name: "DATABASE_URL", value: "postgres://db/app" });
    await envvars.create(ref, "dev", { name: "API_TOKEN", value: "s3cret" });
    expect(await envvars.list(ref, "dev")).toEqual([
      { name: "API_TOKEN", value: "s3cret", isSecret: false },
      { name: "DATABASE_URL", value: "postgres://db/app", isSecret: false },
    ]);
    expect((await envvars.retrieve(ref, "dev", "API_TOKEN")).value).toBe("s3cret");
    // envvars.update in @trigger.dev/sdk 4.3.3 throws "name is not defined" before sending: send its request directly.
    const put = await fetch(`${t.webapp.url}/api/v1/projects/${ref}/envvars/dev/API_TOKEN`, {
      method: "PUT",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ value: "rotated" }),
    });
    expect(put.status).toBe(200);
    expect((await envvars.retrieve(ref, "dev", "API_TOKEN")).value).toBe("rotated");
    await envvars.del(ref, "dev", "API_TOKEN");
    await expect(envvars.retrieve(ref, "dev", "API_TOKEN")).rejects.toThrow(/not found/i);
  });

  it("import adds new names and keeps existing values unless told to override", async () => {
    const ref = t.project.ref;
    await envvars.upload(ref, "dev", { variables: { DATABASE_URL: "other", REGION: "eu" }, override: false });
    expect((await envvars.retrieve(ref, "dev", "DATABASE_URL")).value).toBe("postgres://db/app");
    expect((await envvars.retrieve(ref, "dev", "REGION")).value).toBe("eu");
    await envvars.upload(ref, "dev", { variables: { DATABASE_URL: "other" }, override: true });
    expect((await envvars.retrieve(ref, "dev", "DATABASE_URL")).value).toBe("other");
  });

  it("values are stored encrypted; another environment's variables do not exist for a key", async () => {
    const rows = await t.webapp.db.environmentVariable.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.value).toMatch(/^v1:/);
    expect(JSON.stringify(rows)).not.toContain("postgres://db/app");

    const asProd = await fetch(`${t.webapp.url}/api/v1/projects/${t.project.ref}/envvars/dev`, {
      headers: { authorization: `Bearer ${t.prod.secretKey}` },
    });
    expect(asProd.status).toBe(404);
  });

  it("task code reads and writes its own environment's variables with Stint's SDK", async () => {
    const handle = await tasks.trigger("envvars-in-task", {});
    await expect.poll(async () => (await runs.retrieve(handle.id)).status, { timeout: 30_000 }).toBe("COMPLETED");
    expect((await runs.retrieve(handle.id)).output).toContain("SET_BY_TASK=updated");
    // Outside a task, the project and environment come first, as with the Trigger.dev SDK.
    expect((await stintEnvvars.retrieve(t.project.ref, "dev", "SET_BY_TASK")).value).toBe("updated");
    await stintEnvvars.del(t.project.ref, "dev", "SET_BY_TASK");
    await expect(stintEnvvars.retrieve(t.project.ref, "dev", "SET_BY_TASK")).rejects.toMatchObject({ status: 404 });
  });

  it("a bad name is a 400 that says what names look like", async () => {
    await expect(envvars.create(t.project.ref, "dev", { name: "1-bad name", value: "x" })).rejects.toThrow(
      /letters, digits and _/,
    );
  });
});
