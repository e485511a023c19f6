/**
 * A waitpoint token (`waitpoint_…`): waits until completed or timed out, then tells every run waiting on it.
 * It stays open a while after resolving so late waiters are answered by a signal; later ones read its result.
 */
import * as wf from "@temporalio/workflow";
import type { TokenOptionsWire, TokenResult, TokenState } from "@stint/sdk/runtime";
import type { SubscribeSignal } from "../shared/run-types.js";
import { completeTokenSignal, completeTokenUpdate, subscribeSignal, tokenStateQuery } from "../shared/messages.js";
import { notifySubscribers } from "./waitpoints.js";
import { SA } from "../shared/search-attributes.js";
import type { TokenWorkflowInput } from "../shared/tokens.js";

export async function tokenWorkflow(input: TokenWorkflowInput): Promise<TokenState> {
  const state: TokenState = {
    id: input.id,
    status: "WAITING",
    idempotencyKey: input.options.idempotencyKey,
    timeoutAt: input.options.timeout,
    tags: input.options.tags ?? [],
    createdAt: input.createdAt,
  };
  const waiters: SubscribeSignal[] = [];
  const result = (): TokenResult =>
    state.status === "COMPLETED"
      ? { ok: true, output: state.output }
      : { ok: false, error: state.error ?? { name: "WaitpointTimeoutError", message: "Timed out" } };

  const completeWith = (data: unknown) => {
    if (state.status !== "WAITING") return;
    state.status = "COMPLETED";
    state.output = data;
    state.completedAt = new Date(Date.now()).toISOString();
  };

  wf.setHandler(tokenStateQuery, () => ({ ...state }));
  wf.setHandler(completeTokenUpdate, ({ data }) => {
    completeWith(data);
    return { success: true as const };
  });
  wf.setHandler(completeTokenSignal, ({ data }) => completeWith(data));
  wf.setHandler(subscribeSignal, (waiter) => {
    if (state.status === "WAITING") waiters.push(waiter);
    else void notifySubscribers([waiter], result());
  });

  const timeoutMs = input.options.timeout ? Date.parse(input.options.timeout) - Date.now() : undefined;
  const resolved =
    timeoutMs === undefined
      ? (await wf.condition(() => state.status !== "WAITING"), true)
      : await wf.condition(() => state.status !== "WAITING", Math.max(1, timeoutMs));
  if (!resolved) {
    state.status = "TIMED_OUT";
    state.error = {
      name: "WaitpointTimeoutError",
      message: `Waitpoint token ${input.id} timed out at ${input.options.timeout}`,
    };
    state.completedAt = new Date(Date.now()).toISOString();
  }
  // Listing filters on it; tokens started before this existed replay without the upsert.
  if (wf.patched("stint-token-status")) wf.upsertSearchAttributes([{ key: SA.status, value: state.status }]);
  await notifySubscribers(waiters.splice(0), result());
  await wf.sleep(input.lingerMs ?? 3_600_000);
  await wf.condition(wf.allHandlersFinished);
  return { ...state };
}
