/** Keeps test output readable: the Temporal SDK logs only errors (failed runs are expected in tests). */
import { DefaultLogger, Runtime } from "@temporalio/worker";

try {
  Runtime.install({ logger: new DefaultLogger("ERROR") });
} catch {
  // Already installed in this process.
}
