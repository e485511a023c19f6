/** Waitpoint tokens as both sides start them: the token workflow's input, its id, search attributes and completion URL. */
import type { SearchAttributePair } from "@temporalio/common";
import type { TokenOptionsWire } from "@stint/sdk/runtime";
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
  return options.idempotencyKey ? `waitpoint_${options.idempotencyKey.slice(0, 32)}` : runIdFromUuid(uuid, "waitpoint_");
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
