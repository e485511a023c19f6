/**
 * Keeps test output readable: the Temporal SDK logs only errors (failed runs are expected in tests), and the native
 * core's connection warnings (tests that stop Temporal on purpose) are dropped.
 */
import { installRuntimeLogger } from "../../src/worker/runtime-logger.js";

installRuntimeLogger("ERROR");
