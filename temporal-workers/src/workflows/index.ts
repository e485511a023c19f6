/** Entry of the workflow bundle: every workflow type the engine registers. */
export { runWorkflow } from "./run-workflow.js";
export { tokenWorkflow } from "./token-workflow.js";
export { idempotencyKeyWorkflow } from "./idempotency-key-workflow.js";
export { debounceKeyWorkflow } from "./debounce-key-workflow.js";
export { scheduleFireWorkflow } from "./schedule-workflow.js";
export { queueGateWorkflow } from "./queue-gate-workflow.js";
