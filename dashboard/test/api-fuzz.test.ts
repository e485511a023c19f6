/**
 * A bounded, seeded fuzz campaign against every REST route: a few thousand requests with malformed ids, bodies,
 * queries and headers, under the environment's own key, a foreign key (another environment's), a garbage key and
 * none. Routes are read from the Hono app, so a new route is fuzzed without touching this file. Asserts no answer is
 * a 5xx, every answer is JSON with an `error` when it is a 4xx, and the server stays up and quick afterwards. The
 * inputs a real campaign found (issue 9) are replayed first. `FUZZ_SEED=<n>` replays another campaign.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequestRaw } from "node:http";
import fc from "fast-check";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { CAMPAIGN_INPUTS, type CampaignContext } from "./harness/campaign-inputs.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const REQUESTS = 2_000;
const PARALLEL = 6;
/** Long enough for a slow engine call on a busy CI machine; a request still open then has hung. */
const REQUEST_TIMEOUT_MS = 20_000;

const fuzzTask = task({ id: "fuzz-task", run: async () => "ok" });

let t: TestWebapp;
const ctx = {} as CampaignContext;
/** Valid values for each path parameter, so requests also reach the code behind the id checks. */
const known: Record<string, string[]> = {};

interface FuzzRequest {
  /** The route as the app declares it ("POST /api/v1/runs/:runId/tags"); the corpus's are its own. */
  route?: string;
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([fuzzTask.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  const finished = await tasks.trigger("fuzz-task", {}, { tags: ["fuzz"] });
  await runs.poll(finished.id, { pollIntervalMs: 200 });
  ctx.finishedRunId = finished.id;
  ctx.delayedRunId = (await tasks.trigger("fuzz-task", {}, { delay: "1h" })).id;
  const token = (await (await api("POST", "/api/v1/waitpoints/tokens", "{}")).json()) as { id: string; url: string };
  ctx.tokenId = token.id;
  ctx.callbackPath = new URL(token.url).pathname;
  ctx.batchId = (
    (await (await api("POST", "/api/v3/batches", JSON.stringify({ runCount: 2 }))).json()) as { id: string }
  ).id;
  const schedule = (await (
    await api(
      "POST",
      "/api/v1/schedules",
      JSON.stringify({ task: "fuzz-task", cron: "0 9 * * 1", deduplicationKey: "fuzz" }),
    )
  ).json()) as { id: string };
  await api(
    "POST",
    `/api/v1/projects/${t.project.ref}/envvars/${t.dev.slug}`,
    JSON.stringify({ name: "FUZZ_VAR", value: "v" }),
  );
  Object.assign(known, {
    runId: [ctx.finishedRunId, ctx.delayedRunId],
    tokenId: [ctx.tokenId],
    hash: [ctx.callbackPath.split("/").pop()!],
    taskId: ["fuzz-task"],
    batchId: [ctx.batchId],
    projectRef: [t.project.ref],
    id: [schedule.id],
    queue: ["task/fuzz-task"],
    slug: [t.dev.slug, t.dev.id],
    name: ["FUZZ_VAR"],
    key: ["fuzz-key"],
  });
}, 300_000);

afterAll(async () => {
  await t?.stop();
});

function api(method: string, path: string, body?: string) {
  return fetch(`${t.webapp.url}${path}`, {
    method,
    body,
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
  });
}

/**
 * One request on a connection of its own (node:http, no keep-alive): a connection the server closes while idle can
 * then never fail the next request, which under heavy load would look like a server fault.
 */
function httpRequest(request: FuzzRequest): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    // A length on every body: without one Node sends a DELETE's body unframed, and the server reads it as a new request.
    const headers =
      request.body === undefined
        ? request.headers
        : { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) };
    const outgoing = httpRequestRaw(
      `${t.webapp.url}${request.path}`,
      { method: request.method, headers, agent: false, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        const contentType = String(response.headers["content-type"] ?? "");
        // Streams (server-sent events) answer with their headers at once and then stay open: the status is what counts.
        if (contentType.includes("text/event-stream")) {
          response.destroy();
          return resolve({ status: response.statusCode!, contentType, text: "" });
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode!, contentType, text: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/** Sends one request; returns a description of what went wrong, or undefined. */
async function send(request: FuzzRequest): Promise<string | undefined> {
  const what = `${request.method} ${request.path.slice(0, 160)} [${(request.body ?? "").slice(0, 120)}] (${request.headers.authorization?.slice(0, 14) ?? "no key"})`;
  let response: Awaited<ReturnType<typeof httpRequest>>;
  try {
    response = await httpRequest(request);
  } catch (error) {
    // A live long-poll may rightly stay open; anything else that does not answer has hung.
    if (request.path.includes("live=true") && /no answer/.test((error as Error).message)) return undefined;
    return `${what} → no answer: ${(error as Error).message}`;
  }
  const { status, text } = response;
  if (status >= 500) return `${what} → ${status} ${text.slice(0, 300)}`;
  if (status >= 400 && !response.contentType.includes("text/event-stream")) {
    let error: unknown;
    try {
      error = (JSON.parse(text) as { error?: unknown }).error;
    } catch {
      // Not JSON: reported below.
    }
    if (typeof error !== "string" || error === "")
      return `${what} → ${status} without a JSON error message: ${text.slice(0, 200)}`;
  }
  return undefined;
}

async function sendAll(requests: FuzzRequest[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < requests.length) {
        const failure = await send(requests[next++]!);
        if (failure) failures.push(failure);
      }
    }),
  );
  return failures;
}

// ---- generators ----

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "🎉",
  "\u202e",
  "\ufeff",
  "__proto__",
  "constructor",
  "prototype",
  "../../etc/passwd",
  "' OR 1=1 --",
  "${x}",
  "%s%n",
  "%00",
  "null",
  "true",
  "-1",
  "1e309",
  "NaN",
  "run_",
  "waitpoint_",
  "batch_",
  "sched_",
  "run_doesnotexist000000000000",
  "1h",
  "-1s",
  "0s",
  "9999999d",
  "2099-01-01T00:00:00Z",
  "1970-01-01",
  "not a date",
  "0 9 * * 1",
  "* * * * *",
  "61 25 * * *",
  "Europe/Paris",
  "Not/AZone",
  "application/super+json",
  "application/store",
  "text/plain",
  "application/json",
  "micro",
  "large-2x",
  "task/fuzz-task",
  "custom-queue",
  "x".repeat(129),
  "k".repeat(600),
  "t".repeat(5_000),
];

const nastyString = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => "z".repeat(n)) },
);

/** Field names the routes read, so generated objects reach their validation and past it. */
const FIELDS = [
  "payload",
  "context",
  "options",
  "items",
  "task",
  "index",
  "runCount",
  "parentRunId",
  "resumeParentOnCompletion",
  "idempotencyKey",
  "idempotencyKeyTTL",
  "timeout",
  "tags",
  "data",
  "delay",
  "metadata",
  "metadataType",
  "operations",
  "parentOperations",
  "cron",
  "timezone",
  "externalId",
  "deduplicationKey",
  "name",
  "value",
  "variables",
  "override",
  "type",
  "action",
  "limit",
  "logs",
  "chunks",
  "from",
  "done",
  "queues",
  "schedules",
  "taskIdentifier",
  "claims",
  "scopes",
  "runId",
  "level",
  "message",
  "time",
  "attempt",
  "key",
];
const OPTION_FIELDS = [
  "queue",
  "concurrencyKey",
  "delay",
  "ttl",
  "tags",
  "metadata",
  "metadataType",
  "maxAttempts",
  "maxDuration",
  "machine",
  "priority",
  "idempotencyKey",
  "idempotencyKeyTTL",
  "payloadType",
  "test",
  "lockToVersion",
  "parentRunId",
  "debounce",
  "region",
];

const { value: nastyValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    { weight: 6, arbitrary: nastyString },
    {
      weight: 2,
      arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2)),
    },
    { weight: 1, arbitrary: fc.oneof(fc.boolean(), fc.constant(null)) },
    { weight: 2, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
    {
      weight: 2,
      arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), nastyString), tie("value"), { maxKeys: 4 }),
    },
  ),
}));

const structuredBody = fc
  .record({
    fields: fc.dictionary(fc.constantFrom(...FIELDS), nastyValue, { maxKeys: 6 }),
    options: fc.option(fc.dictionary(fc.constantFrom(...OPTION_FIELDS), nastyValue, { maxKeys: 5 })),
    items: fc.option(
      fc.array(fc.dictionary(fc.constantFrom("task", "index", "payload", "options"), nastyValue, { maxKeys: 4 }), {
        maxLength: 3,
      }),
    ),
  })
  .map(({ fields, options, items }) => ({ ...fields, ...(options ? { options } : {}), ...(items ? { items } : {}) }));

const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

const body = fc.oneof(
  { weight: 8, arbitrary: structuredBody.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: nastyValue.map((value) => JSON.stringify(value) ?? "null") },
  {
    weight: 2,
    arbitrary: fc
      .array(
        structuredBody.map((value) => JSON.stringify(value)),
        { minLength: 1, maxLength: 4 },
      )
      .map((lines) => lines.join("\n")),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "{",
      "[",
      "}",
      "null",
      "[]",
      "{}",
      '"text"',
      "42",
      "\u0000",
      '{"a":"\\u0000"}',
      '{"a":"\\ud800"}',
      '{"__proto__":{"x":1}}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 90, max: 20_000 }).map((depth) => `{"payload":${nested(depth, "[", "]")},"data":1}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 90, max: 20_000 })
      .map((depth) => nested(depth, '{"a":', "}").replace(/\{"a":\}/, '{"a":1}')),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
);

const QUERY_KEYS = [
  "filter[status]",
  "filter[taskIdentifier]",
  "filter[tag]",
  "filter[tags]",
  "filter[batch]",
  "filter[createdAt][from]",
  "filter[createdAt][to]",
  "filter[createdAt][period]",
  "filter[isTest]",
  "filter[idempotencyKey]",
  "page[size]",
  "page[after]",
  "page[before]",
  "page",
  "perPage",
  "type",
  "offset",
  "handle",
  "live",
  "tags",
  "createdAt",
  "skipColumns",
  "cursor",
];
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  {
    weight: 6,
    arbitrary: fc
      .dictionary(
        fc.constantFrom(...QUERY_KEYS),
        nastyString.map((s) => s.slice(0, 3_000)),
        { maxKeys: 4 },
      )
      .map((q) => `?${new URLSearchParams(q)}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "?page[after]=%FF",
      "?%00=1",
      "?page[size]=1e400",
      "?filter[status]=%E2%80%AE",
      "?a=%ED%A0%80",
      "?" + "x=1&".repeat(500),
    ),
  },
);

const MALFORMED_IDS = [
  "x",
  "%00",
  "%E2%80%AE",
  "%ED%A0%80",
  "%F0%9F%92%A9",
  "a".repeat(600),
  "..%2F..%2Fetc",
  "run_zzzzzzzzzzzzzzzzzzzzzzzzzzz",
  "%20",
  "'%3B%20DROP%20TABLE",
  "waitpoint_0",
  "batch_0",
  "sched_0",
  "%25",
];
const encode = (text: string) => encodeURIComponent((text as unknown as { toWellFormed(): string }).toWellFormed());

function paramValue(name: string) {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(known[name] ?? ["fuzz"])) },
    { weight: 3, arbitrary: fc.constantFrom(...MALFORMED_IDS) },
    { weight: 2, arbitrary: nastyString.map((s) => encode(s.slice(0, 2_000))) },
  );
}

/** Printable ASCII only: fetch refuses anything else in a header before it is sent. */
const headerText = nastyString.map((s) => encode(s).slice(0, 300));

function requestFor(route: { method: string; path: string }, keys: string[]) {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc
    .record({
      params: fc.tuple(...params.map(paramValue)),
      query,
      body,
      key: fc.constantFrom(...keys),
      contentType: fc.constantFrom(
        "application/json",
        "application/json",
        "text/plain",
        "",
        "application/x-ndjson",
        "multipart/form-data; boundary=x",
      ),
      idempotencyKey: fc.option(headerText, { freq: 5 }),
      lastEventId: fc.option(headerText, { freq: 8 }),
    })
    .map(({ params: values, query: q, body: b, key, contentType, idempotencyKey, lastEventId }): FuzzRequest => {
      let i = 0;
      const path = route.path.replace(/:(\w+)/g, () => String(values[i++]));
      const headers: Record<string, string> = {};
      if (key) headers.authorization = key;
      if (contentType) headers["content-type"] = contentType;
      if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
      if (lastEventId) headers["last-event-id"] = lastEventId;
      headers["timeout-seconds"] = "1";
      return {
        route: `${route.method} ${route.path}`,
        method: route.method,
        path: path + q,
        body: route.method === "GET" || route.method === "HEAD" ? undefined : b,
        headers,
      };
    });
}

describe("API fuzz", () => {
  it(`replays the campaign's inputs under every kind of key, then ${REQUESTS} generated requests (seed ${SEED}): no 5xx, 4xx answers are JSON errors`, async () => {
    const keys = [
      `Bearer ${t.dev.secretKey}`,
      `Bearer ${t.prod.secretKey}`,
      "Bearer tr_dev_not-a-key",
      "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad",
      "Basic Zm9vOmJhcg==",
      "",
    ];
    const corpus: FuzzRequest[] = CAMPAIGN_INPUTS.flatMap((input) =>
      keys.slice(0, 3).map((key) => ({
        method: input.method,
        path: input.path(ctx),
        body: input.body?.(ctx),
        headers: { authorization: key, "content-type": "application/json" },
      })),
    );
    const routes = t.webapp.apiRoutes;
    expect(routes.length).toBeGreaterThan(40);
    const requests = fc.sample(
      fc.constantFrom(...routes).chain((route) => requestFor(route, keys)),
      { seed: SEED, numRuns: REQUESTS },
    );
    // Every route is in the campaign (a route added later is too: the list comes from the app).
    const covered = new Set(requests.map((request) => request.route));
    expect(routes.filter((route) => !covered.has(`${route.method} ${route.path}`))).toEqual([]);

    const started = Date.now();
    const failures = [...(await sendAll(corpus)), ...(await sendAll(requests))];
    console.log(
      `[api-fuzz] ${corpus.length + requests.length} requests across ${routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`,
    );
    expect(failures).toEqual([]);
  }, 240_000);

  it("the server is up and quick after the campaign", async () => {
    const quick = async <T>(call: () => Promise<T>) => {
      const started = Date.now();
      const result = await call();
      expect(Date.now() - started).toBeLessThan(2_000);
      return result;
    };
    expect((await quick(() => fetch(`${t.webapp.url}/healthz`))).status).toBe(200);
    expect((await quick(() => runs.retrieve(ctx.finishedRunId))).status).toBe("COMPLETED");
    const handle = await quick(() => tasks.trigger("fuzz-task", {}));
    expect((await runs.poll(handle.id, { pollIntervalMs: 200 })).output).toBe("ok");
  });
});
