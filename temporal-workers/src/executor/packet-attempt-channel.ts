/**
 * Large values in task code's durable calls: child payloads past the inline limit are stored before the call reaches
 * the run's workflow (one Temporal message holds at most 2 MB, and every child's input lands in the parent's
 * history), and child outputs stored by reference are read back before task code sees a triggerAndWait result.
 */
import type { DurableRequest, MetadataOperation, MetadataTarget } from "@stint/sdk/runtime";
import type { PacketStore } from "../packets/packet-store.js";
import { resolveWaitpointResult, storeBatchPayloads, storeIfLarge } from "../packets/store-packets.js";
import type { DurableCallResult } from "../shared/run-types.js";
import type { AttemptChannel } from "./attempt-channel.js";

export class PacketAttemptChannel implements AttemptChannel {
  constructor(
    private readonly inner: AttemptChannel,
    private readonly packets: PacketStore | undefined,
    private readonly attempt: { runId: string; attemptNumber: number },
  ) {}

  async durableCall(seq: number, request: DurableRequest): Promise<DurableCallResult> {
    const response = await this.inner.durableCall(seq, await this.storePayloads(seq, request));
    return response.status === "completed"
      ? { ...response, result: await resolveWaitpointResult(response.result, this.packets) }
      : response;
  }

  async awaitWaitpoint(seq: number): Promise<unknown> {
    return resolveWaitpointResult(await this.inner.awaitWaitpoint(seq), this.packets);
  }

  sendMetadata(target: MetadataTarget, fromIndex: number, operations: MetadataOperation[]): Promise<void> {
    return this.inner.sendMetadata(target, fromIndex, operations);
  }

  addTags(tags: string[]): Promise<void> {
    return this.inner.addTags(tags);
  }

  /** Paths are per waitpoint, so a replay of the same call stores to the same place instead of adding copies. */
  private async storePayloads(seq: number, request: DurableRequest): Promise<DurableRequest> {
    const folder = `runs/${this.attempt.runId}/attempt-${this.attempt.attemptNumber}/waitpoint-${seq}`;
    switch (request.type) {
      case "trigger":
      case "triggerAndWait": {
        const payload = await storeIfLarge(request.item.payload, {
          store: this.packets,
          path: `${folder}/payload.json`,
          field: "payload",
        });
        return payload === request.item.payload ? request : { ...request, item: { ...request.item, payload } };
      }
      case "batchTrigger":
      case "batchTriggerAndWait":
        return {
          ...request,
          items: await storeBatchPayloads(request.items, this.packets, (index) => ({
            path: `${folder}/item-${index}.json`,
            field: `items[${index}].payload`,
          })),
        };
      default:
        return request;
    }
  }
}
