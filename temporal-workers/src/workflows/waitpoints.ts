/** Temporal primitives behind each kind of waitpoint: child runs, tokens, completion notices. */
import * as wf from "@temporalio/workflow";
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import type {
  BatchItemWire,
  ChildRunResult,
  DurableRequest,
  RunHandleWire,
  TokenOptionsWire,
  TokenResult,
  TokenWire,
} from "@stint/sdk/runtime";
import type { EnvironmentRef, RunState, SubscribeSignal } from "../shared/run-types.js";
import { buildRunInput, runIdFromUuid, runMemo, runSearchAttributes, type RunPlacement } from "../shared/run-input.js";
import { completeTokenSignal, subscribeSignal, waitpointResolvedSignal } from "../shared/messages.js";
import type { EngineActivities } from "../activities/attempt-activity-types.js";
import { childResultFromFailure, childResultFromState } from "../shared/child-results.js";
import { newTokenInput, tokenStartOptions, tokenWire } from "../shared/tokens.js";
import { idempotencyTtlMs, type ClaimKeyResult } from "../shared/idempotency.js";
import type { DebounceClaimResult } from "../shared/debounce.js";

const engine = wf.proxyActivities<EngineActivities>({ startToCloseTimeout: "1 minute" });

/** What identifies a waitpoint across replays: a replay asking for something else has diverged. */
export function fingerprintOf(request: DurableRequest): string {
  switch (request.type) {
    case "duration":
      return "wait.for";
    case "trigger":
      return `trigger(${request.item.task})`;
    case "triggerAndWait":
      return `triggerAndWait(${request.item.task})`;
    case "batchTrigger":
      return `batchTrigger(${request.items.length})`;
    case "batchTriggerAndWait":
      return `batchTriggerAndWait(${request.items.length})`;
    case "createToken":
      return "wait.createToken";
    case "waitToken":
      return `wait.forToken(${request.tokenId})`;
    case "completeToken":
      return `wait.completeToken(${request.tokenId})`;
  }
}

export async function startChildRun(
  item: BatchItemWire,
  placement: RunPlacement,
  parentClosePolicy: "ABANDON" | "REQUEST_CANCEL",
): Promise<{ handle: RunHandleWire; result: Promise<ChildRunResult> }> {
  const runId = runIdFromUuid(wf.uuid4());
  const input = buildRunInput(runId, item, placement, Date.now());
  const child = await wf.startChild("runWorkflow", {
    workflowId: runId,
    args: [input],
    taskQueue: wf.workflowInfo().taskQueue,
    parentClosePolicy,
    typedSearchAttributes: runSearchAttributes(input, input.delayUntil ? "DELAYED" : "QUEUED"),
    memo: runMemo(input),
  });
  const result = (child.result() as Promise<RunState>).then(childResultFromState, (error) =>
    childResultFromFailure(runId, item.task, error),
  );
  return { handle: { id: runId, taskIdentifier: item.task, publicAccessToken: "" }, result };
}

export async function startTokenWorkflow(options: TokenOptionsWire, environment: EnvironmentRef): Promise<TokenWire> {
  const input = newTokenInput(options, wf.uuid4(), environment.slug, Date.now());
  const { id } = input;
  try {
    await wf.startChild("tokenWorkflow", {
      ...tokenStartOptions(input, wf.workflowInfo().taskQueue),
      parentClosePolicy: "ABANDON",
    });
    return tokenWire(id, false);
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return tokenWire(id, true);
    throw error;
  }
}

/** Registers this run as a waiter on a token; returns the result at once if the token already closed. */
export async function subscribeToToken(tokenId: string, runId: string, key: string): Promise<TokenResult | undefined> {
  try {
    await wf.getExternalWorkflowHandle(tokenId).signal(subscribeSignal, { workflowId: runId, key });
    return undefined;
  } catch {
    const result = await engine.readTokenResult(tokenId);
    return result ?? { ok: false, error: { name: "Error", message: `Waitpoint token ${tokenId} does not exist` } };
  }
}

export async function completeTokenFromWorkflow(tokenId: string, data: unknown): Promise<void> {
  await wf.getExternalWorkflowHandle(tokenId).signal(completeTokenSignal, { data });
}

export async function notifySubscribers(
  subscribers: SubscribeSignal[],
  state: RunState | TokenResult,
  toResult?: (s: RunState) => ChildRunResult,
): Promise<void> {
  const result =
    "status" in state && "id" in state ? (toResult ?? childResultFromState)(state as RunState) : (state as TokenResult);
  await Promise.all(
    subscribers.map((s) =>
      wf
        .getExternalWorkflowHandle(s.workflowId)
        .signal(waitpointResolvedSignal, { key: s.key, result })
        .catch(() => undefined),
    ),
  );
}

/** Starts (or finds) the run an idempotency key points to, through the key workflow. */
export async function claimIdempotentChild(item: BatchItemWire, placement: RunPlacement): Promise<ClaimKeyResult> {
  const input = buildRunInput(runIdFromUuid(wf.uuid4()), item, placement, Date.now());
  return engine.claimIdempotentRun(input, idempotencyTtlMs(item.options?.idempotencyKeyTTL));
}

/** Asks a run to notify us when it finishes; returns its result at once if it already has. */
export async function subscribeToRun(
  runId: string,
  subscriberId: string,
  key: string,
): Promise<ChildRunResult | undefined> {
  try {
    await wf.getExternalWorkflowHandle(runId).signal(subscribeSignal, { workflowId: subscriberId, key });
    return undefined;
  } catch {
    return (await engine.readRunResult(runId)) ?? undefined;
  }
}

/** Pushes back the delayed run of the item's debounce key, or starts the item's own run, through the key workflow. */
export async function claimDebouncedChild(item: BatchItemWire, placement: RunPlacement): Promise<DebounceClaimResult> {
  const input = buildRunInput(runIdFromUuid(wf.uuid4()), item, placement, Date.now());
  return engine.claimDebouncedRun(input);
}

export function debouncedHandle(runId: string, item: BatchItemWire): RunHandleWire {
  return { id: runId, taskIdentifier: item.task, isCached: false, publicAccessToken: "" };
}

/** A batch's debounced items: those sharing a key are claimed one after another, in item order (the last one trails). */
export class DebouncedItems {
  private readonly chains = new Map<string, Promise<unknown>>();

  claim(item: BatchItemWire, placement: RunPlacement): Promise<DebounceClaimResult> {
    const key = `${item.task}\u0000${item.options!.debounce!.key}`;
    const claimed = (this.chains.get(key) ?? Promise.resolve()).then(() => claimDebouncedChild(item, placement));
    this.chains.set(
      key,
      claimed.catch(() => undefined),
    );
    return claimed;
  }
}
