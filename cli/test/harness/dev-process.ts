/** A `stint dev` child process whose output tests wait on. */
import { spawn, type ChildProcess } from "node:child_process";

export class DevProcess {
  output = "";
  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.output += c.toString()));
  }
  async waitFor(text: string | RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(from);
      const index = typeof text === "string" ? rest.indexOf(text) : rest.search(text);
      if (index >= 0) return from + index + 1;
      if (this.child.exitCode !== null) throw new Error(`stint dev exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `stint dev` in standalone mode against the test's Temporal server, on the given task queues. */
export function startStandaloneDev(
  cwd: string,
  options: { cli: string; temporalAddress: string; workflowQueue: string; attemptQueue: string; extra?: string[] },
): DevProcess {
  // Standalone mode: no webapp settings from the surrounding shell.
  const { TRIGGER_API_URL: _url, TRIGGER_SECRET_KEY: _key, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      options.cli,
      "dev",
      "--temporal-address",
      options.temporalAddress,
      "--workflow-queue",
      options.workflowQueue,
      "--attempt-queue",
      options.attemptQueue,
      ...(options.extra ?? []),
    ],
    { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...env, TEMPORAL_ADDRESS: "" } },
  );
  return new DevProcess(child);
}
