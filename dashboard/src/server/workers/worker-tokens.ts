/** Worker tokens (`tr_wgt_…`): what a supervisor presents; the database keeps only their SHA-256. */
import { hashSecret, hintOf, randomToken } from "../auth/secrets.js";

export const WORKER_TOKEN_PREFIX = "tr_wgt_";

export interface NewWorkerToken {
  token: string;
  tokenHash: string;
  tokenHint: string;
}

export function newWorkerToken(): NewWorkerToken {
  const token = `${WORKER_TOKEN_PREFIX}${randomToken(40)}`;
  return { token, tokenHash: hashSecret(token), tokenHint: hintOf(token) };
}

export function looksLikeWorkerToken(value: string): boolean {
  return value.startsWith(WORKER_TOKEN_PREFIX) && value.length > WORKER_TOKEN_PREFIX.length;
}

/** The Temporal task queue a worker group's supervisors poll for attempts: deployed runs go there. */
export function workerGroupTaskQueue(groupName: string): string {
  return `workers.${groupName}`;
}
