/**
 * A run's metadata and tags: changed by the client (updateMetadata), by its task's code (metadata signals, which
 * replays re-send and are applied once) and by its children (operations on their parent or root run).
 */
import * as wf from "@temporalio/workflow";
import { addTagsSignal, metadataSignal, updateMetadataUpdate } from "../../shared/messages.js";
import { SA } from "../../shared/search-attributes.js";
import { applyMetadataOperations } from "../../shared/apply-metadata.js";
import type { RunContext } from "./run-context.js";

export function installMetadataAndTagHandlers(run: RunContext): void {
  const { state, input } = run;
  wf.setHandler(
    updateMetadataUpdate,
    ({ operations }) => {
      state.metadata = applyMetadataOperations(state.metadata, operations);
      return { ...state.metadata };
    },
    // Refused before it is accepted (no history), so the handler itself never throws: that would fail the workflow task.
    { validator: ({ operations }) => void applyMetadataOperations(state.metadata, operations) },
  );

  wf.setHandler(metadataSignal, ({ attempt, fromIndex, target, operations }) => {
    let fresh = operations;
    if (attempt >= 0) {
      if (attempt !== run.attemptNumber) return;
      const applied = run.metadataOpsApplied[target] ?? 0;
      fresh = operations.slice(Math.max(0, applied - fromIndex));
      run.metadataOpsApplied[target] = Math.max(applied, fromIndex + operations.length);
    }
    if (fresh.length === 0) return;
    if (target !== "self") {
      const targetRun = target === "parent" ? input.parentRunId : (input.rootRunId ?? input.parentRunId);
      if (targetRun) {
        run.track(
          wf
            .getExternalWorkflowHandle(targetRun)
            .signal(metadataSignal, { attempt: -1, fromIndex: 0, target: "self", operations: fresh }),
        );
      }
      return;
    }
    try {
      state.metadata = applyMetadataOperations(state.metadata, fresh);
    } catch {
      // Over the size limit: keep the previous metadata; the SDK checks the limit before it flushes.
    }
  });

  wf.setHandler(addTagsSignal, ({ tags }) => {
    state.tags = [...new Set([...state.tags, ...tags])].slice(0, 10);
    wf.upsertSearchAttributes([{ key: SA.tags, value: state.tags }]);
  });
}
