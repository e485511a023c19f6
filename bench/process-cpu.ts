/**
 * CPU time by process group over a bench phase, read from /proc (Linux). Short-lived processes (runners) are seen by
 * sampling every 200 ms: what one used between its last sample and its exit is missed, so figures are lower bounds.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** Which group a process counts in, from its command line; undefined: not counted. */
export type ProcessClassifier = (pid: number, commandLine: string[]) => string | undefined;

interface Sample {
  group: string;
  first: number;
  last: number;
}

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Starts sampling; `stop()` returns CPU seconds per group, largest first. */
export function sampleProcessCpu(classify: ProcessClassifier): { stop(): [group: string, seconds: number][] } {
  const seen = new Map<number, Sample>();
  const ignored = new Set<number>();
  const sample = (initial: boolean) => {
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || ignored.has(pid)) continue;
      const ticks = cpuTicks(pid);
      if (ticks === undefined) continue;
      const known = seen.get(pid);
      if (known) {
        known.last = ticks;
        continue;
      }
      const group = classify(pid, commandLine(pid) ?? []);
      if (group === undefined) ignored.add(pid);
      // A process found after the start began within the phase: all its time counts.
      else seen.set(pid, { group, first: initial ? ticks : 0, last: ticks });
    }
  };
  sample(true);
  const timer = setInterval(() => sample(false), 200);
  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const totals = new Map<string, number>();
      for (const { group, first, last } of seen.values())
        totals.set(group, (totals.get(group) ?? 0) + (last - first) / TICKS_PER_SECOND);
      return [...totals].sort((a, b) => b[1] - a[1]);
    },
  };
}

export function formatCpu(groups: [string, number][], wallMs: number): string {
  const total = groups.reduce((sum, [, seconds]) => sum + seconds, 0);
  const parts = groups.map(([group, seconds]) => `${group} ${seconds.toFixed(1)}`);
  return `CPU seconds: ${parts.join(", ")}; total ${total.toFixed(1)} in ${(wallMs / 1000).toFixed(1)} s`;
}
