/**
 * A child process of `npm start` that is restarted when it crashes, with backoff; after too many crashes in a row the
 * supervisor gives up (its owner then stops the platform with a clear message rather than run half of it).
 *
 * The child runs in a process group of its own (a terminal's Ctrl-C reaches only the platform, which stops it in
 * order) and is given an IPC channel: when the platform dies without stopping it (kill -9), the channel closes and a
 * child that listens for "disconnect" stops too.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface SupervisedChildOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  maxFailures?: number;
  stableAfterMs?: number;
  initialBackoffMs?: number;
  log?: (line: string) => void;
}

export interface SupervisedChild {
  current(): ChildProcess;
  gaveUp: Promise<Error>;
  stop(): Promise<void>;
}

export function superviseChild(options: SupervisedChildOptions): SupervisedChild {
  const { maxFailures = 5, stableAfterMs = 60_000, initialBackoffMs = 1_000, log = console.log } = options;
  let stopping = false;
  let failures = 0;
  let startedAt = 0;
  let child!: ChildProcess;
  let giveUp!: (error: Error) => void;
  const gaveUp = new Promise<Error>((resolve) => (giveUp = resolve));

  const start = () => {
    startedAt = Date.now();
    child = spawn(options.command, options.args, {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: options.env,
      detached: true,
    });
    child.once("exit", (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= stableAfterMs) failures = 0;
      failures += 1;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      if (failures > maxFailures) {
        giveUp(new Error(`${options.name} ${how}, ${maxFailures} times in a row; giving up`));
        return;
      }
      const delay = Math.min(initialBackoffMs * 2 ** (failures - 1), 16_000);
      log(`[stint] ${options.name} ${how}; restarting in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(() => stopping || start(), delay).unref();
    });
  };
  start();

  return {
    current: () => child,
    gaveUp,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}
