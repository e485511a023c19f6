/**
 * What the benches that run a real `stint dev` session share: an empty database on Debian's PostgreSQL, and the
 * session itself, started as a user would (the CLI's bin, the webapp's URL and the environment's key), ready once it
 * printed its registered tasks.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createEmptyDatabase } from "@stint/dashboard";

const CLI = fileURLToPath(new URL("../cli/bin/stint.mjs", import.meta.url));

/** An empty database named after `prefix` on Debian's PostgreSQL (started if it is not running). */
export function benchDatabase(prefix: string): Promise<string> {
  const adminUrl = execFileSync("bash", [fileURLToPath(new URL("../scripts/ensure-postgres.sh", import.meta.url))], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop()!;
  return createEmptyDatabase(adminUrl, prefix);
}

export interface BenchDevSession {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `stint dev --no-watch` in `dir` as a session of the webapp at `apiUrl`, once its tasks are registered. */
export async function startDevSession(dir: string, apiUrl: string, secretKey: string): Promise<BenchDevSession> {
  let output = "";
  const { TEMPORAL_ADDRESS: _unused, ...processEnv } = process.env;
  const child = spawn(process.execPath, [CLI, "dev", "--no-watch"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...processEnv, TRIGGER_API_URL: apiUrl, TRIGGER_SECRET_KEY: secretKey },
  });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const startedAt = Date.now();
  while (!output.includes("Registered tasks:")) {
    if (child.exitCode !== null) throw new Error(`stint dev exited:\n${output}`);
    if (Date.now() - startedAt > 300_000) throw new Error(`stint dev did not register in 5 minutes:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
