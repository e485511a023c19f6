/** Idempotency keys: one key workflow per (environment, task, key) holds the run the key points to. */
import { parseDurationMs } from "@stint/sdk/core";

/** Trigger.dev keeps keys for 30 days unless idempotencyKeyTTL says otherwise. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 30 * 86_400_000;

export function keyWorkflowId(environment: string, taskId: string, key: string): string {
  return `idem_${environment}_${taskId}_${key}`;
}

export function idempotencyTtlMs(ttl: string | undefined): number {
  return ttl ? parseDurationMs(ttl, "idempotencyKeyTTL") : DEFAULT_IDEMPOTENCY_TTL_MS;
}

export interface ClaimKeyResult {
  runId: string;
  isCached: boolean;
}

/** The input of an idempotency key's workflow (`idem_<env>_<task>_<key>`). */
export interface IdempotencyKeyWorkflowInput {
  key: string;
  taskId: string;
  environment: string;
}
