/**
 * An attempt's compute time, as Trigger.dev counts it for maxDuration: the clock stops while run() waits on a
 * waitpoint (wait.for, triggerAndWait, wait.forToken…), whether the wait ends in this execution or suspends it, and
 * while a durable call is with the engine (the round trip is the engine's time, not the task's).
 */
import type { AttemptChannel } from "./attempt-channel.js";

/** Node's timers hold at most 2^31-1 ms (a longer delay fires at once): a larger budget (timeout.None) re-arms. */
const MAX_TIMER_MS = 2_147_483_647;

export class ComputeClock {
  private accumulatedMs = 0;
  private runningSince: number | undefined;
  private waits = 0;
  private timer: NodeJS.Timeout | undefined;
  private exhausted = false;

  /** `budgetMs`: compute left before `onExhausted` is called (undefined: unlimited). */
  constructor(
    private readonly budgetMs?: number,
    private readonly onExhausted?: () => void,
  ) {
    this.runningSince = performance.now();
    this.arm();
  }

  elapsedMs(): number {
    return Math.round(
      this.accumulatedMs + (this.runningSince === undefined ? 0 : performance.now() - this.runningSince),
    );
  }

  waitStarted(): void {
    if (this.waits++ > 0 || this.runningSince === undefined) return;
    this.accumulatedMs += performance.now() - this.runningSince;
    this.runningSince = undefined;
    clearTimeout(this.timer);
  }

  waitEnded(): void {
    if (this.waits === 0 || --this.waits > 0) return;
    this.runningSince = performance.now();
    this.arm();
  }

  /** Stops the clock for good (the execution ended). */
  stop(): number {
    const elapsed = this.elapsedMs();
    this.runningSince = undefined;
    this.accumulatedMs = elapsed;
    clearTimeout(this.timer);
    return elapsed;
  }

  private arm(): void {
    if (this.budgetMs === undefined || this.exhausted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        if (this.runningSince === undefined) return;
        if (this.elapsedMs() < this.budgetMs!) return this.arm();
        this.exhausted = true;
        this.onExhausted?.();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, this.budgetMs - this.elapsedMs())),
    );
    this.timer.unref?.();
  }
}

/** The channel with the clock stopped while a durable call or a waitpoint is with the engine. */
export function clockedChannel(channel: AttemptChannel, clock: ComputeClock): AttemptChannel {
  const stopped = async <T>(call: () => Promise<T>): Promise<T> => {
    clock.waitStarted();
    try {
      return await call();
    } finally {
      clock.waitEnded();
    }
  };
  return {
    durableCall: (seq, request) => stopped(() => channel.durableCall(seq, request)),
    awaitWaitpoint: (seq) => stopped(() => channel.awaitWaitpoint(seq)),
    sendMetadata: (target, fromIndex, operations) => channel.sendMetadata(target, fromIndex, operations),
    addTags: (tags) => channel.addTags(tags),
  };
}
