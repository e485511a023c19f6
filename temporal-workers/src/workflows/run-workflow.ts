/**
 * One Stint run = one execution of this workflow (workflow id = run id). It owns the run's status, attempts,
 * retries, delay / ttl timers, cancellation and the journal of waitpoints. Task code runs in attempt activities and
 * talks back to this workflow through updates; completed waitpoints stay in the journal, so a new execution of the
 * attempt (after a suspension or a crash) replays run() and gets them back instantly.
 *
 * Each concern lives in run/: the shared state and status (run-context), which process may act (execution-liveness),
 * the waitpoint journal, delay and debounce (run-delay), metadata and tags, the queue slot, session routing, one
 * execution (attempt-execution), attempts and retries (attempt-loop) and the end of the run (run-completion).
 *
 * Replay: handlers are installed and patches checked in the order the recorded histories expect; keep that order.
 */
import * as wf from "@temporalio/workflow";
import type { RunState, RunWorkflowInput } from "../shared/run-types.js";
import { runStateQuery } from "../shared/messages.js";
import { AttemptExecution } from "./run/attempt-execution.js";
import { runAttempts } from "./run/attempt-loop.js";
import { ExecutionLiveness } from "./run/execution-liveness.js";
import { installMetadataAndTagHandlers } from "./run/metadata-and-tags.js";
import { RunCompletion } from "./run/run-completion.js";
import { RunContext } from "./run/run-context.js";
import { RunDelay } from "./run/run-delay.js";
import { WaitpointJournal } from "./run/waitpoint-journal.js";

export async function runWorkflow(input: RunWorkflowInput): Promise<RunState> {
  const run = new RunContext(input);
  const liveness = new ExecutionLiveness(run);
  const journal = new WaitpointJournal(run, liveness);
  const delay = new RunDelay(run);
  const completion = new RunCompletion(run);

  wf.setHandler(runStateQuery, () => run.snapshot());
  liveness.installHandlers();
  journal.installCallHandlers();
  delay.installHandlers();
  installMetadataAndTagHandlers(run);
  completion.installSubscribeHandler();
  journal.installNoticeHandler();
  // Checks the queue-slot patches and installs the slot and routing signals.
  const execution = new AttemptExecution(run, liveness);

  try {
    const delayed = delay.waitOut();
    if (delayed) await delayed;
    const ttlDeadline = input.ttlMs === undefined ? undefined : Date.now() + input.ttlMs;
    await runAttempts(run, liveness, journal, execution, ttlDeadline);
  } catch (error) {
    if (!wf.isCancellation(error)) throw error;
    const attempt = run.currentAttempt();
    if (attempt && attempt.status === "EXECUTING") attempt.status = "CANCELED";
    run.state.error = { name: "CanceledError", message: "Run was canceled" };
    run.setStatus("CANCELED");
  }
  return completion.finish();
}
