/**
 * The inputs a fault and fuzz campaign (issue 9) found answered with a 5xx, each with the 4xx it must get now.
 * api-bad-input checks each answer; api-fuzz replays them among its generated requests.
 */
export interface CampaignContext {
  /** A run that finished. */
  finishedRunId: string;
  /** A run that is delayed (not started), for reschedule. */
  delayedRunId: string;
  /** A waitpoint token that is waiting, and its callback URL path. */
  tokenId: string;
  callbackPath: string;
  /** A v3 batch (runCount 2) that no item was added to. */
  batchId: string;
}

export interface CampaignInput {
  name: string;
  method: "GET" | "POST" | "PUT";
  path: (ctx: CampaignContext) => string;
  body?: (ctx: CampaignContext) => string;
  status: number;
  error: RegExp;
}

const DEEP = "[".repeat(10_000) + "]".repeat(10_000);
const DEPTH_ERROR = /nested more than 100 levels/;
const LONE = "\ud800";
const MB = "x".repeat(1024 * 1024);
const trigger = (options: Record<string, unknown>, payload: unknown = {}) => JSON.stringify({ payload, options });
const line = (item: Record<string, unknown>) =>
  JSON.stringify({ index: 0, task: "campaign-task", payload: {}, ...item });

export const CAMPAIGN_INPUTS: CampaignInput[] = [
  // 17 stack overflows from 10,000-level nested JSON.
  {
    name: "a 10,000-level nested trigger payload",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => `{"payload":${DEEP}}`,
    status: 400,
    error: DEPTH_ERROR,
  },
  {
    name: "a 10,000-level nested payload packet (a string of JSON)",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => JSON.stringify({ payload: DEEP, options: { payloadType: "application/json" } }),
    status: 400,
    error: /body\.payload: JSON nested more than 100/,
  },
  {
    name: "a 10,000-level nested superjson payload packet",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => JSON.stringify({ payload: `{"json":${DEEP}}`, options: { payloadType: "application/super+json" } }),
    status: 400,
    error: /body\.payload: JSON nested more than 100/,
  },
  {
    name: "a 10,000-level nested token completion",
    method: "POST",
    path: (ctx) => `/api/v1/waitpoints/tokens/${ctx.tokenId}/complete`,
    body: () => `{"data":${DEEP}}`,
    status: 400,
    error: DEPTH_ERROR,
  },
  {
    name: "a 10,000-level nested token callback body",
    method: "POST",
    path: (ctx) => ctx.callbackPath,
    body: () => DEEP,
    status: 400,
    error: DEPTH_ERROR,
  },
  {
    name: "a 10,000-level nested token timeout",
    method: "POST",
    path: () => "/api/v1/waitpoints/tokens",
    body: () => `{"timeout":${DEEP}}`,
    status: 400,
    error: DEPTH_ERROR,
  },
  {
    name: "a 10,000-level nested reschedule delay",
    method: "POST",
    path: (ctx) => `/api/v1/runs/${ctx.delayedRunId}/reschedule`,
    body: () => `{"delay":${DEEP}}`,
    status: 400,
    error: DEPTH_ERROR,
  },
  {
    name: "a 10,000-level nested batch item line",
    method: "POST",
    path: (ctx) => `/api/v3/batches/${ctx.batchId}/items`,
    body: () => `{"index":0,"task":"campaign-task","payload":${DEEP}}`,
    status: 400,
    error: /line 1: JSON nested more than 100/,
  },
  // 9 from a lone surrogate.
  {
    name: "a lone surrogate in a payload",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => trigger({}, { note: `a${LONE}b` }),
    status: 400,
    error: /body\.payload\.note: contains a lone UTF-16 surrogate/,
  },
  {
    name: "a lone surrogate in a tag",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => trigger({ tags: ["ok", LONE] }),
    status: 400,
    error: /body\.options\.tags\.1: contains a lone UTF-16 surrogate/,
  },
  {
    name: "a lone surrogate in a concurrency key",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => trigger({ concurrencyKey: LONE }),
    status: 400,
    error: /body\.options\.concurrencyKey: contains a lone/,
  },
  {
    name: "a lone surrogate in an idempotency key",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => trigger({ idempotencyKey: `k${LONE}` }),
    status: 400,
    error: /body\.options\.idempotencyKey: contains a lone/,
  },
  {
    name: "a lone surrogate in a schedule's deduplicationKey",
    method: "POST",
    path: () => "/api/v1/schedules",
    body: () => JSON.stringify({ task: "campaign-task", cron: "0 9 * * 1", deduplicationKey: `d${LONE}` }),
    status: 400,
    error: /body\.deduplicationKey: contains a lone/,
  },
  {
    name: "a lone surrogate in a schedule's externalId",
    method: "POST",
    path: () => "/api/v1/schedules",
    body: () => JSON.stringify({ task: "campaign-task", cron: "0 9 * * 1", deduplicationKey: "d", externalId: LONE }),
    status: 400,
    error: /body\.externalId: contains a lone/,
  },
  {
    name: "a lone surrogate in a batch item line",
    method: "POST",
    path: (ctx) => `/api/v3/batches/${ctx.batchId}/items`,
    body: () => line({ options: { tags: [LONE] } }),
    status: 400,
    error: /line 1\.options\.tags\.0: contains a lone/,
  },
  // 2 from NUL in batch item lines (the run had started before the 500).
  {
    name: "a NUL in a batch item line's tag",
    method: "POST",
    path: (ctx) => `/api/v3/batches/${ctx.batchId}/items`,
    body: () => line({ options: { tags: ["a\u0000b"] } }),
    status: 400,
    error: /line 1\.options\.tags\.0: contains a NUL character/,
  },
  {
    name: "a NUL in a batch item line's payload",
    method: "POST",
    path: (ctx) => `/api/v3/batches/${ctx.batchId}/items`,
    body: () => line({ payload: { text: "\u0000" } }),
    status: 400,
    error: /line 1\.payload\.text: contains a NUL character/,
  },
  // 4 from garbage or 5,000-character cursors (after 18–20 s).
  {
    name: "a garbage page[after] on runs",
    method: "GET",
    path: () => "/api/v1/runs?page[after]=garbage",
    status: 400,
    error: /page\[after\]: not a cursor this API returned/,
  },
  {
    name: "a 5,000-character page[after] on runs",
    method: "GET",
    path: () => `/api/v1/runs?page[after]=${"A".repeat(5000)}`,
    status: 400,
    error: /page\[after\]: not a cursor this API returned/,
  },
  {
    name: "a garbage page[after] on tokens",
    method: "GET",
    path: () => "/api/v1/waitpoints/tokens?page[after]=eyJub3QiOiJvdXJzIn0",
    status: 400,
    error: /page\[after\]: not a cursor this API returned/,
  },
  {
    name: "a 5,000-character page[after] on tokens",
    method: "GET",
    path: () => `/api/v1/waitpoints/tokens?page[after]=${"A".repeat(5000)}`,
    status: 400,
    error: /page\[after\]: not a cursor this API returned/,
  },
  // 2 from a 1 MB idempotency key (after 40 s), 1 from 1 MB tags on token create.
  {
    name: "a 1 MB idempotencyKey",
    method: "POST",
    path: () => "/api/v1/tasks/campaign-task/trigger",
    body: () => trigger({ idempotencyKey: MB }),
    status: 400,
    error: /body\.options\.idempotencyKey: at most 512 bytes/,
  },
  {
    name: "a 1 MB idempotencyKey on a token",
    method: "POST",
    path: () => "/api/v1/waitpoints/tokens",
    body: () => JSON.stringify({ idempotencyKey: MB }),
    status: 400,
    error: /body\.idempotencyKey: at most 512 bytes/,
  },
  {
    name: "1 MB tags on token create",
    method: "POST",
    path: () => "/api/v1/waitpoints/tokens",
    body: () => JSON.stringify({ tags: [MB] }),
    status: 400,
    error: /body\.tags.*at most 128 characters/,
  },
  // Tags as a 1 MB string answered 200 and crashed the run.
  {
    name: "tags as a 1 MB string",
    method: "POST",
    path: (ctx) => `/api/v1/runs/${ctx.finishedRunId}/tags`,
    body: () => JSON.stringify({ tags: MB }),
    status: 400,
    error: /body\.tags: each tag is at most 128 characters/,
  },
];
