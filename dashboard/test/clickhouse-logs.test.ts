/**
 * Run logs in ClickHouse: with `CLICKHOUSE_URL` set, the lines a task logs go to ClickHouse (Debian's 18.16, a real
 * server started for this file, with a password) instead of PostgreSQL, and the run page reads them back in order,
 * filtered by level, with awkward text intact; one environment never reads another's. A real `stint dev` session runs
 * the task (test/fixtures/logs-project), triggered with the real @trigger.dev/sdk.
 */
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "trigger-sdk-latest";
import type { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { copyFixtureProject, startDevSession, stopDevSession } from "./harness/dev-session.js";
import { createMember, loginCookie } from "./harness/dashboard-browser.js";
import { startTestClickHouse, type TestClickHouse } from "./harness/clickhouse-server.js";
import { startWebapp } from "../src/index.js";

let clickhouse: TestClickHouse;
let t: TestWebapp;
let session: DevProcess;
let cookie: string;
let direct: ClickHouseClient;

beforeAll(async () => {
  clickhouse = await startTestClickHouse();
  t = await startTestWebapp({ clickhouseUrl: clickhouse.url("stint_logs") });
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  await createMember(t, "logs-admin@example.com", "logs-password-1");
  cookie = await loginCookie(t, "logs-admin@example.com", "logs-password-1");
  session = await startDevSession(t, copyFixtureProject("logs-project", t.project.ref));
  direct = createClient({ url: `http://127.0.0.1:${clickhouse.httpPort}`, password: clickhouse.password });
}, 300_000);

afterAll(async () => {
  await stopDevSession(session);
  await t?.stop();
  await direct?.close();
  await clickhouse?.stop();
});

const AWKWARD = [
  "it's a 'quoted' line",
  "back\\slash \\' and \\\\ pairs",
  "two\nlines\tand a tab",
  "emoji 🚀 and accents é ü",
  "'); DROP TABLE run_events; --",
];

async function completedRun(lines: string[], unsendable = false) {
  const handle = await tasks.trigger("logs-chatty", { lines, unsendable });
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const run = await runs.retrieve(handle.id);
    if (!run.isCompleted) continue;
    if (run.status !== "COMPLETED")
      throw new Error(`${handle.id} ended ${run.status}:\n${session.output.slice(-3000)}`);
    return handle.id;
  }
  throw new Error(`${handle.id} did not finish within 90 s:\n${session.output.slice(-3000)}`);
}

/** The run page's logs (GET /ui-api/…/logs), once the session has shipped `count` of them. */
async function runPageLogs(runId: string, count: number, query = "") {
  for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const response = await fetch(`${t.webapp.url}/ui-api/environments/${t.dev.id}/runs/${runId}/logs${query}`, {
      headers: { cookie },
    });
    expect(response.status).toBe(200);
    const { logs } = (await response.json()) as {
      logs: { kind: string; level?: string; message: string; attributes?: Record<string, unknown> }[];
    };
    const lines = logs.filter((line) => line.kind === "log");
    if (lines.length >= count || Date.now() > deadline) return lines;
  }
}

describe("run logs in ClickHouse", () => {
  it("the lines a task logs are stored in ClickHouse, not PostgreSQL, and read back in order with their attributes", async () => {
    const runId = await completedRun([]);
    const lines = await runPageLogs(runId, 5);
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ["debug", "first: debug"],
      ["log", "second: log"],
      ["info", "third: info"],
      ["warn", "fourth: warn"],
      ["error", "fifth: error"],
    ]);
    expect(lines[2]!.attributes).toMatchObject({ nested: { quote: "it's", path: "C:\\temp" } });
    expect(lines[4]!.attributes).toMatchObject({ code: "E_FIFTH" });

    const stored = await direct.query({
      query: `SELECT count() AS n FROM stint_logs.run_events WHERE run_id = '${runId}'`,
      format: "JSONEachRow",
    });
    expect(Number(((await stored.json()) as { n: number | string }[])[0]!.n)).toBe(5);
    expect(await t.webapp.db.runEvent.count({ where: { runId } })).toBe(0);
  });

  it("filters by level as the run page asks", async () => {
    const runId = await completedRun([]);
    await runPageLogs(runId, 5);
    const lines = await runPageLogs(runId, 2, "?level=warn,error");
    expect(lines.map((line) => line.message)).toEqual(["fourth: warn", "fifth: error"]);
  });

  it("keeps quotes, backslashes, newlines, NUL and SQL-looking text as logged; a lone surrogate becomes U+FFFD with a note", async () => {
    const runId = await completedRun(AWKWARD, true);
    const lines = await runPageLogs(runId, 5 + AWKWARD.length + 2);
    const messages = lines.slice(5).map((line) => line.message);
    expect(messages.slice(0, AWKWARD.length)).toEqual(AWKWARD);
    // NUL: U+FFFD as with PostgreSQL (the logs API replaces it for either store).
    expect(messages.slice(AWKWARD.length)).toEqual(["nul \uFFFD inside", "half \uFFFD pair"]);
    // Over HTTP a lone surrogate already arrives as U+FFFD (UTF-8); a caller inside the webapp can still hand the
    // store one, which ClickHouse would refuse as sent.
    await t.webapp.events.append([
      { environmentId: t.dev.id, runId, kind: "log", level: "info", message: "direct \udc00 half", time: new Date() },
    ]);
    const all = await t.webapp.events.listForRun(t.dev.id, runId);
    expect(all.some((line) => line.message === "direct \uFFFD half")).toBe(true);
    expect(all.some((line) => line.kind === "system" && /lone UTF-16 surrogate/.test(line.message))).toBe(true);
  });

  it("one environment never reads another's lines, and a run id is a value, never SQL", async () => {
    const runId = await completedRun([]);
    await runPageLogs(runId, 5);
    expect(await t.webapp.events.listForRun(t.prod.id, runId)).toEqual([]);
    expect(await t.webapp.events.listForRun(t.dev.id, `${runId}' OR '1'='1`)).toEqual([]);
    expect(await t.webapp.events.listForRun(t.dev.id, `x\\' OR 1=1 --`)).toEqual([]);
  });

  it("a bad CLICKHOUSE_URL stops the webapp's start with a message naming it; a refused login never prints the password", async () => {
    const base = {
      port: 0,
      databaseUrl: t.webapp.databaseUrl,
      temporal: { address: "127.0.0.1:1" },
      bootstrap: false,
      ui: false,
      github: null,
    } as const;
    await expect(startWebapp({ ...base, clickhouseUrl: "clickhouse://nowhere" })).rejects.toThrow(/CLICKHOUSE_URL/);
    const wrong = `http://default:not-the-password@127.0.0.1:${clickhouse.httpPort}/stint_logs`;
    const refused = await startWebapp({ ...base, clickhouseUrl: wrong }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/ClickHouse at http:\/\/default:\*\*\*@127\.0\.0\.1/);
    expect(refused).not.toContain("not-the-password");
  });
});
