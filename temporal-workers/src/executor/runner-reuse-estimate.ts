/**
 * Whether an execution that finds no idle runner should wait for a busy one rather than start a process
 * (`processKeepAlive`): starting Node and loading the project costs about a tenth of a second of CPU, so a burst of
 * short runs used to start a process for nearly every run in flight (19 for a burst of 24 no-op runs in
 * process-keep-alive.test.ts), each one held in memory afterwards. When the runners at work are expected to free up
 * sooner than a new one would load, the execution waits for one of them — never longer than a load takes, after which
 * it starts a process as before.
 */

/** How much a new sample moves the running averages. */
const WEIGHT = 0.2;

export class RunnerReuseEstimate {
  /** Average time from a runner's start to its bundle loaded. */
  private loadMs: number | undefined;
  /** Average time an execution keeps its runner busy. */
  private executionMs: number | undefined;

  recordLoad(ms: number): void {
    this.loadMs = average(this.loadMs, ms);
  }

  recordExecution(ms: number): void {
    this.executionMs = average(this.executionMs, ms);
  }

  /**
   * How long an execution may wait for a busy runner (0: start one now). `waiting` executions are already in line
   * ahead of it and `busy` runners are at work; with no samples yet, or runs longer than a load, it never waits.
   */
  holdMs(waiting: number, busy: number): number {
    if (this.loadMs === undefined || this.executionMs === undefined || busy === 0) return 0;
    const expectedWait = Math.ceil((waiting + 1) / busy) * this.executionMs;
    return expectedWait < this.loadMs ? this.loadMs : 0;
  }
}

function average(current: number | undefined, sample: number): number {
  return current === undefined ? sample : current + WEIGHT * (sample - current);
}
