/** `npm run supervisor` / `stint-supervisor`: starts a supervisor from the command line and stops it on SIGTERM/SIGINT. */
import { installRuntimeLogger } from "@stint/temporal-workers";
import { ConfigError, configFromCommandLine } from "./config.js";
import { Supervisor } from "./supervisor.js";
import { WorkerTokenRefusedError } from "./worker-api.js";

/** Exit codes: 2 a bad option, 3 the token was refused (at start or later). */
export async function main(argv: string[]): Promise<number> {
  // Temporal's own lines only for errors (its warnings include "no workflows registered", expected here);
  // reconnection noise is dropped: the supervisor says itself what it does.
  installRuntimeLogger("ERROR");
  let supervisor: Supervisor;
  try {
    supervisor = await Supervisor.start(configFromCommandLine(argv));
  } catch (error) {
    console.error(`[supervisor] ${(error as Error).message}`);
    if (error instanceof ConfigError) return 2;
    if (error instanceof WorkerTokenRefusedError) return 3;
    return 1;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal stops at once: running attempts are retried elsewhere by Temporal.
    if (++signals > 1) process.exit(130);
    console.log(`[supervisor] ${signal}`);
    void supervisor.stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const reason = await supervisor.stopped;
  return reason === "token refused" ? 3 : 0;
}
