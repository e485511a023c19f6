/** Admission requests as a run's workflow sends them (first ticket, no priority), for the dispatcher's own tests. */
import type { AdmissionRequest } from "../../src/shared/dispatch.js";
import type { QueueGateKey } from "../../src/shared/queue-gate.js";

let runSeq = 0;

/** A request of a new run (ids unique in the test process) on `key`'s queue. */
export function admissionRequest(key: QueueGateKey): AdmissionRequest {
  return { runId: `run_${runSeq++}`, ...key, priorityMs: 0, requestedAt: Date.now(), ticket: 1 };
}
