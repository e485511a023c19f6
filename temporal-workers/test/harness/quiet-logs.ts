/** Keeps test output readable: the Temporal SDK logs only warnings and errors. */
import { DefaultLogger, Runtime } from "@temporalio/worker";

try {
  Runtime.install({ logger: new DefaultLogger("WARN") });
} catch {
  // Already installed in this process.
}
