/**
 * A queue's admission gate (workflow id from `queueGateId`). Run workflows ask it for a slot before each execution
 * and give the slot back when the execution ends or suspends, so only executing runs count toward the limit. The
 * gate is global across every worker server because Temporal serialises its updates and signals.
 */
import * as wf from "@temporalio/workflow";
import {
  acquireSlotUpdate,
  configureQueueUpdate,
  queueSnapshotQuery,
  releaseSlotSignal,
  slotGrantedSignal,
} from "../shared/messages.js";
import { effectiveLimit, snapshotOf, type QueueGateState } from "../shared/queue-gate.js";
import type { EngineActivities } from "../activities/attempt-activity-types.js";

const engine = wf.proxyLocalActivities<EngineActivities>({ startToCloseTimeout: "30 seconds" });

/** Keep the history small: a gate lives as long as its queue. */
const MAX_HISTORY_EVENTS = 4_000;
/** While runs wait on a full queue, check this often that the holders are still alive (a terminated run never releases). */
const HOLDER_CHECK_INTERVAL = "60 seconds";

export async function queueGateWorkflow(initial: QueueGateState): Promise<void> {
  const state: QueueGateState = { ...initial, holders: [...initial.holders], waiting: [...initial.waiting] };
  const outgoing = new Set<Promise<unknown>>();
  const holding = (key: string) => state.holders.filter((holder) => holder.key === key).length;
  /** Some run waits on a key that is at its limit (each concurrency key gets the full limit). */
  const blocked = () => state.waiting.some((entry) => holding(entry.key) >= effectiveLimit(state));

  const remove = (runId: string) => {
    state.holders = state.holders.filter((holder) => holder.runId !== runId);
    state.waiting = state.waiting.filter((entry) => entry.runId !== runId);
  };

  /** Admits waiting runs, best rank first, while their keys have room; `inline` is the requester of an acquire update. */
  const admit = (inline?: string): boolean => {
    if (state.paused || state.waiting.length === 0) return false;
    let inlineGranted = false;
    const limit = effectiveLimit(state);
    const room = new Map<string, number>();
    const admitted = new Set<string>();
    for (const entry of [...state.waiting].sort((a, b) => a.rank - b.rank)) {
      const free = room.get(entry.key) ?? limit - holding(entry.key);
      if (free <= 0) continue;
      room.set(entry.key, free - 1);
      admitted.add(entry.runId);
      state.holders.push({ runId: entry.runId, key: entry.key });
      if (entry.runId === inline) {
        inlineGranted = true;
        continue;
      }
      const sent = wf
        .getExternalWorkflowHandle(entry.runId)
        .signal(slotGrantedSignal, { gateId: wf.workflowInfo().workflowId })
        .catch(() => {
          // The run is gone (terminated or closed): its slot goes to the next one.
          remove(entry.runId);
          admit();
        })
        .finally(() => outgoing.delete(sent));
      outgoing.add(sent);
    }
    state.waiting = state.waiting.filter((entry) => !admitted.has(entry.runId));
    return inlineGranted;
  };

  wf.setHandler(queueSnapshotQuery, () => snapshotOf(state));

  wf.setHandler(acquireSlotUpdate, ({ runId, concurrencyKey, priorityMs, declaredLimit }) => {
    // A run sent back by the worker that has its code, before that code's queues were declared here.
    if (declaredLimit != null && state.declaredLimit === null) state.declaredLimit = declaredLimit;
    // Retried requests (a local activity retry) find the run where it already is.
    if (state.holders.some((holder) => holder.runId === runId)) return { granted: true };
    if (!state.waiting.some((entry) => entry.runId === runId))
      state.waiting.push({ runId, key: concurrencyKey ?? "", rank: Date.now() - priorityMs });
    return { granted: admit(runId) };
  });

  wf.setHandler(releaseSlotSignal, ({ runId }) => {
    remove(runId);
    admit();
  });

  wf.setHandler(configureQueueUpdate, (change) => {
    if (change.paused !== undefined) state.paused = change.paused;
    if (change.declaredLimit !== undefined) state.declaredLimit = change.declaredLimit;
    if (change.defaultLimit !== undefined) state.defaultLimit = change.defaultLimit;
    if (change.overrideLimit !== undefined) {
      state.overrideLimit = change.overrideLimit;
      state.overriddenAt = change.overrideLimit === null ? null : new Date(Date.now()).toISOString();
    }
    admit();
    return snapshotOf(state);
  });

  const historyTooLong = () =>
    wf.workflowInfo().continueAsNewSuggested || wf.workflowInfo().historyLength > MAX_HISTORY_EVENTS;
  for (;;) {
    await wf.condition(() => historyTooLong() || (!state.paused && blocked()));
    if (historyTooLong()) break;
    // Runs are waiting on a full queue: if it stays full, look for holders that died without releasing.
    const freed = await wf.condition(() => historyTooLong() || !blocked() || state.paused, HOLDER_CHECK_INTERVAL);
    if (freed) continue;
    const closed = await engine.closedRuns(state.holders.map((holder) => holder.runId));
    for (const runId of closed) remove(runId);
    admit();
  }

  await wf.condition(wf.allHandlersFinished);
  while (outgoing.size > 0) await Promise.all([...outgoing]);
  await wf.continueAsNew<typeof queueGateWorkflow>(state);
}
