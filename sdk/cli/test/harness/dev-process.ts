/** A `stint dev` child process whose output tests wait on. */
import type { ChildProcess } from "node:child_process";

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
