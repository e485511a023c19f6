/** Counts the executions in progress, in all and per queue, and the most seen at once: what the cap tests assert. */
export class ConcurrencyProbe {
  private live = 0;
  private readonly livePerQueue = new Map<string, number>();
  /** The most executions seen at once. */
  peak = 0;
  /** The most executions of each queue seen at once. */
  readonly peakPerQueue = new Map<string, number>();

  /** Holds a slot of `queue` for `holdMs`, as a task's run would. */
  async occupy(queue: string, holdMs: number): Promise<void> {
    this.live++;
    this.peak = Math.max(this.peak, this.live);
    const now = (this.livePerQueue.get(queue) ?? 0) + 1;
    this.livePerQueue.set(queue, now);
    this.peakPerQueue.set(queue, Math.max(this.peakPerQueue.get(queue) ?? 0, now));
    try {
      await new Promise((r) => setTimeout(r, holdMs));
    } finally {
      this.livePerQueue.set(queue, this.livePerQueue.get(queue)! - 1);
      this.live--;
    }
  }

  /** Forgets the peaks (executions in progress are still counted). */
  resetPeaks(): void {
    this.peak = 0;
    this.peakPerQueue.clear();
  }
}
