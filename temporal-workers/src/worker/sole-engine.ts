/**
 * Whether this process's engine worker is the only one polling the engine's workflow task queue. Admission at start
 * (admitAtStart) needs it: a run admitted there gives its lease back at its end through a sink, in the process that
 * runs its last workflow task, and only the process holding the dispatcher can take it. With a second engine (several
 * webapps on one PostgreSQL) runs ask from their workflows as before. Temporal lists a queue's pollers for minutes
 * after they last polled, so a second engine turns admission at start off from its first poll until well after it
 * stopped; answers are a few seconds old at most.
 */
import type { Client } from "@temporalio/client";
import proto from "@temporalio/proto";

const FRESH_MS = 5_000;

export class SoleEngineWatch {
  private answer: { sole: boolean; at: number } | undefined;
  private asking: Promise<boolean> | undefined;

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly workflowTaskQueue: string,
    /** This process's engine worker, as Temporal lists its pollers. */
    private readonly identity: string,
  ) {}

  /** True once Temporal lists this process's worker, and no other, as the queue's poller. */
  isSole(): Promise<boolean> {
    if (this.answer && Date.now() - this.answer.at < FRESH_MS) return Promise.resolve(this.answer.sole);
    this.asking ??= this.ask().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  private async ask(): Promise<boolean> {
    let sole = false;
    try {
      const { pollers } = await this.client.workflowService.describeTaskQueue({
        namespace: this.namespace,
        taskQueue: { name: this.workflowTaskQueue },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      const identities = new Set((pollers ?? []).map((poller) => poller.identity));
      sole = identities.size === 1 && identities.has(this.identity);
    } catch {
      // Unknown: runs ask from their workflows until the next answer.
    }
    this.answer = { sole, at: Date.now() };
    return sole;
  }
}
