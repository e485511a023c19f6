// Executed by temporal-workers/test/docs-examples.test.ts; docs/replay-contract.md shows the region below.
import { logger, metadata, task, wait } from "@trigger.dev/sdk";

/** A side effect with its own run: journaled by its parent, so a replay never charges twice. */
export const chargeCard = task({
  id: "docs-charge-card",
  run: async (payload: { orderId: string; amountCents: number }) => {
    return { chargeId: `ch_${payload.orderId}`, amountCents: payload.amountCents };
  },
});

// #region fulfil-order
export const fulfilOrder = task({
  id: "docs-fulfil-order",
  // Waits longer than this suspend the run instead of holding a process.
  checkpointThreshold: "1s",
  run: async (payload: { orderId: string }) => {
    // Re-runs on every replay: keep it free of side effects (reads, logs and pure computation are fine).
    logger.info("fulfilling order", { orderId: payload.orderId });

    // Durable: recorded in the run's journal, answered from it on replay.
    const charge = await chargeCard.triggerAndWait({ orderId: payload.orderId, amountCents: 4_200 }).unwrap();
    metadata.increment("steps", 1); // de-duplicated on replay

    await wait.for({ seconds: 2 }); // past the threshold: the run suspends here

    metadata.increment("steps", 1);
    return { orderId: payload.orderId, chargeId: charge.chargeId };
  },
});
// #endregion fulfil-order
