/**
 * A DELAYED run: it waits for its delay, which the client may move (reschedule) and a debounce trigger may push back,
 * the trailing one replacing the first trigger's payload and options.
 */
import * as wf from "@temporalio/workflow";
import { debounceRunUpdate, rescheduleUpdate } from "../../shared/messages.js";
import { debouncePushRefusal, type TrailingFields } from "../../shared/debounce.js";
import { SA } from "../../shared/search-attributes.js";
import { nowIso, type RunContext } from "./run-context.js";

export class RunDelay {
  private delayUntil: number | undefined;
  private delayChanged = false;

  constructor(private readonly run: RunContext) {
    this.delayUntil = run.input.delayUntil ? Date.parse(run.input.delayUntil) : undefined;
  }

  /**
   * Waits out the delay (moved as often as it is), then queues the run. Undefined when there is nothing to wait for:
   * most runs skip the promises an async wait costs (each one a stack capture by the SDK's promise hook).
   */
  waitOut(): Promise<void> | undefined {
    if (this.delayUntil !== undefined && this.delayUntil > Date.now()) return this.waitThenQueue();
    this.queue();
    return undefined;
  }

  private async waitThenQueue(): Promise<void> {
    while (this.delayUntil !== undefined && this.delayUntil > Date.now()) {
      this.delayChanged = false;
      await wf.condition(() => this.delayChanged, this.delayUntil - Date.now());
    }
    this.queue();
  }

  private queue(): void {
    if (this.run.state.status === "DELAYED") this.run.setStatus("QUEUED");
  }

  installHandlers(): void {
    const { run } = this;
    const { state, input } = run;
    wf.setHandler(
      rescheduleUpdate,
      ({ delayUntil: next }) => {
        this.delayUntil = Date.parse(next);
        this.delayChanged = true;
        state.delayedUntil = next;
        state.updatedAt = nowIso();
        return run.snapshot();
      },
      {
        validator: ({ delayUntil: next }) => {
          if (state.status !== "DELAYED")
            throw new Error(`run ${input.runId} is ${state.status}; only DELAYED runs can be rescheduled`);
          if (Number.isNaN(Date.parse(next))) throw new Error(`delay: "${next}" is not a date`);
        },
      },
    );

    // Only a DELAYED run takes a push, checked before the update is accepted: once the delay ends it is refused, so a
    // trigger either lands in this run or starts its own.
    wf.setHandler(
      debounceRunUpdate,
      (push) => {
        const until = Date.parse(push.delayUntil);
        // A push only ever moves the run later.
        if (this.delayUntil === undefined || until > this.delayUntil) {
          this.delayUntil = until;
          this.delayChanged = true;
          state.delayedUntil = push.delayUntil;
        }
        if (push.trailing) this.takeTrailingFields(push.trailing);
        state.updatedAt = nowIso();
        wf.upsertSearchAttributes([{ key: SA.updatedAt, value: new Date(Date.now()) }]);
        return { delayUntil: state.delayedUntil ?? push.delayUntil };
      },
      {
        validator: (push) => {
          const refusal = debouncePushRefusal(state.status, input.createdAt, push);
          if (refusal) throw new Error(refusal);
          if (Number.isNaN(Date.parse(push.delayUntil)))
            throw new Error(`delayUntil: "${push.delayUntil}" is not a date`);
        },
      },
    );
  }

  /** A trailing debounce trigger's payload and options replace the first trigger's (Trigger.dev's list of fields). */
  private takeTrailingFields(fields: TrailingFields): void {
    const { run } = this;
    const { state } = run;
    const { payload, ...replaced } = fields;
    run.setOptions({ ...run.options, ...replaced }, payload);
    state.payload = payload;
    if (fields.metadata !== undefined) state.metadata = { ...fields.metadata };
    if (fields.machine !== undefined) state.machine = fields.machine;
    if (fields.tags !== undefined) {
      state.tags = [...fields.tags];
      wf.upsertSearchAttributes([{ key: SA.tags, value: state.tags }]);
    }
  }
}
