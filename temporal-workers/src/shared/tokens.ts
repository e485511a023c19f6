/** Waitpoint tokens as both sides start them: the token workflow's input, its id, search attributes and completion URL. */
import type { SearchAttributePair } from "@temporalio/common";
import type { TokenOptionsWire, TokenWire } from "@stint/sdk/runtime";
import { runIdFromUuid } from "./run-input.js";
import { SA } from "./search-attributes.js";

export interface TokenWorkflowInput {
  id: string;
  options: TokenOptionsWire;
  environment: string;
  createdAt: string;
  /** How long to stay open after resolving (ms). */
  lingerMs?: number;
}

export function tokenIdFor(options: TokenOptionsWire, uuid: string): string {
  return options.idempotencyKey
    ? `waitpoint_${options.idempotencyKey.slice(0, 32)}`
    : runIdFromUuid(uuid, "waitpoint_");
}

/** Tokens are findable by environment, status and tags (what the webapp's token list filters on). */
export function tokenSearchAttributes(input: TokenWorkflowInput): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: SA.environment, value: input.environment },
    { key: SA.status, value: "WAITING" },
  ];
  if (input.options.tags?.length) pairs.push({ key: SA.tags, value: input.options.tags });
  return pairs;
}

export function tokenUrl(id: string): string {
  return `/api/v1/waitpoints/tokens/${id}/complete`;
}

/** The input of a new token's workflow; `uuid` makes its id unless the options' idempotency key does. */
export function newTokenInput(
  options: TokenOptionsWire,
  uuid: string,
  environment: string,
  nowMs: number,
): TokenWorkflowInput {
  return { id: tokenIdFor(options, uuid), options, environment, createdAt: new Date(nowMs).toISOString() };
}

/** How a token's workflow is started (from a client or as a run's child): once per id, findable by its attributes. */
export function tokenStartOptions(input: TokenWorkflowInput, taskQueue: string) {
  return {
    workflowId: input.id,
    args: [input] as [TokenWorkflowInput],
    taskQueue,
    workflowIdReusePolicy: "REJECT_DUPLICATE" as const,
    typedSearchAttributes: tokenSearchAttributes(input),
  };
}

/** What creating a token answers; `isCached` when the token already existed (same idempotency key). */
export function tokenWire(id: string, isCached: boolean): TokenWire {
  return { id, isCached, url: tokenUrl(id), publicAccessToken: "" };
}
