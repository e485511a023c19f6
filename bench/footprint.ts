/**
 * Footprint of `npm start`: starts it as a user would (free ports, a fresh data folder), waits until the example's
 * `stint dev` session has registered its tasks (ready), lets the stack idle, then sums the memory of the whole
 * process tree — once on a fresh data folder (cold: first boot, migrations) and once more on the same folder (warm).
 *
 *   npm run bench:footprint                     # defaults: --idle-seconds 20
 *   npm run bench:footprint -- --idle-seconds 60 --keep
 *
 * RSS counts pages shared between processes (the node binary, libraries) once per process, as `ps` does; PSS splits
 * them between the processes that share them, so its sum is what the stack really costs the machine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { freePort } from "@stint/temporal-workers";
import { parseArgs } from "./args.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));

const options = parseArgs(
  z.object({
    idleSeconds: z.coerce.number().int().min(1).default(20),
    readyTimeoutSeconds: z.coerce.number().int().min(10).default(300),
    keep: z.boolean().default(false),
  }),
  process.argv.slice(2),
  ["keep"],
);

interface ProcessMemory {
  pid: number;
  name: string;
  rssMb: number;
  pssMb: number;
}

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces) start after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Exited meanwhile.
    }
  }
  return byParent;
}

/** What a process is, in words a reader of the table knows. */
function describe(pid: number): string {
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  const line = args.join(" ");
  if (line.includes("start-platform")) return "webapp (start-platform: API, dashboard, engine workers, PGlite)";
  if (line.includes("temporal") && line.includes("start-dev")) return "Temporal dev server";
  if (/stint\.m?js dev/.test(line)) return "example stint dev session";
  if (line.includes("esbuild") && line.includes("--service")) return "esbuild service (tsx / bundler)";
  if (/stint-runner\/runner-|runner-main\.js/.test(line)) return "runner (a warm task process of the session)";
  if (args[0]?.endsWith("npm") || line.startsWith("npm")) return "npm";
  return line.slice(0, 60);
}

function memoryOf(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    let pssKb = rssKb;
    try {
      pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? rssKb);
    } catch {
      // No smaps_rollup (old kernel): count RSS.
    }
    return { pid, name: describe(pid), rssMb: rssKb / 1024, pssMb: pssKb / 1024 };
  } catch {
    return undefined;
  }
}

function tree(root: number): ProcessMemory[] {
  const byParent = children();
  const all: ProcessMemory[] = [];
  const visit = (pid: number) => {
    const memory = memoryOf(pid);
    if (memory) all.push(memory);
    for (const child of byParent.get(pid) ?? []) visit(child);
  };
  visit(root);
  // Children that run in process groups of their own are still children: the walk above finds them by parent.
  return all;
}

async function startOnce(
  dataDir: string,
  ports: { web: number; temporal: number; ui: number },
): Promise<{ child: ChildProcess; readyMs: number; output: () => string }> {
  const started = Date.now();
  const child = spawn("npm", ["start"], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: String(ports.web),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      STINT_DATA_DIR: dataDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = started + options.readyTimeoutSeconds * 1000;
  while (!output.includes("Registered tasks:")) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline)
      throw new Error(`npm start was not ready within ${options.readyTimeoutSeconds} s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, readyMs: Date.now() - started, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  // As a terminal's Ctrl-C does: SIGINT to npm's process group.
  process.kill(-child.pid!, "SIGINT");
  const force = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 30_000);
  await exited;
  clearTimeout(force);
}

function printRun(
  label: string,
  readyMs: number,
  processes: ProcessMemory[],
  builtUi: boolean,
): { rss: number; pss: number } {
  const groups = new Map<string, { count: number; rss: number; pss: number }>();
  for (const p of processes) {
    const group = groups.get(p.name) ?? { count: 0, rss: 0, pss: 0 };
    group.count += 1;
    group.rss += p.rssMb;
    group.pss += p.pssMb;
    groups.set(p.name, group);
  }
  const rss = processes.reduce((sum, p) => sum + p.rssMb, 0);
  const pss = processes.reduce((sum, p) => sum + p.pssMb, 0);
  console.log(
    `\n${label}: ready in ${(readyMs / 1000).toFixed(1)} s${builtUi ? " (includes building the dashboard UI)" : ""}; idle after ${options.idleSeconds} s: RSS ${rss.toFixed(0)} MB, PSS ${pss.toFixed(0)} MB, ${processes.length} processes`,
  );
  console.log("| process | count | RSS MB | PSS MB |");
  console.log("| --- | --- | --- | --- |");
  for (const [name, g] of [...groups.entries()].sort((a, b) => b[1].rss - a[1].rss))
    console.log(`| ${name} | ${g.count} | ${g.rss.toFixed(0)} | ${g.pss.toFixed(0)} |`);
  return { rss, pss };
}

async function measure(label: string, dataDir: string): Promise<{ readyMs: number; rss: number; pss: number }> {
  const ports = { web: await freePort(), temporal: await freePort(), ui: await freePort() };
  const run = await startOnce(dataDir, ports);
  try {
    await new Promise((r) => setTimeout(r, options.idleSeconds * 1000));
    const processes = tree(run.child.pid!);
    const totals = printRun(label, run.readyMs, processes, run.output().includes("building the dashboard UI"));
    return { readyMs: run.readyMs, ...totals };
  } finally {
    await stop(run.child);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "stint-footprint-"));
try {
  const cold = await measure("Cold start (fresh data folder)", dataDir);
  const warm = await measure("Warm start (same data folder)", dataDir);
  console.log("\n| start | ready | idle RSS (sum) | idle PSS (sum) |");
  console.log("| --- | --- | --- | --- |");
  for (const [label, r] of [
    ["cold", cold],
    ["warm", warm],
  ] as const)
    console.log(`| ${label} | ${(r.readyMs / 1000).toFixed(1)} s | ${r.rss.toFixed(0)} MB | ${r.pss.toFixed(0)} MB |`);
  console.log("\nTargets: idle ≤ 700 MB with the example session; warm start ready ≤ 15 s.");
} finally {
  if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data folder kept: ${dataDir}`);
}
