/**
 * Records the replay fixtures in test/replay-histories: runs each scenario of replay-scenarios.ts on a real Temporal
 * dev server with real Stint workers, fetches the history of every workflow the scenario names (the client's
 * `fetchHistory()`) and writes it as JSON, with an entry in manifest.json saying what it covers and which commit's
 * workflow code made it. test/replay-histories.test.ts replays them all against the current workflow code.
 *
 *   cd temporal-workers && npx tsx scripts/record-replay-histories.ts [options] [scenario…]
 *
 *   scenario…          only these scenarios (default: all; `--list` prints them)
 *   --engine <dir>     record with the engine of another checkout (its temporal-workers folder, dependencies
 *                      installed): how histories from before a patch are made, see docs/changing-workflows.md
 *   --label <label>    file name suffix for those histories (default: at-<commit>)
 *   --address <h:p>    use this Temporal server instead of starting a dev server
 *   --out <dir>        where to write (default: test/replay-histories)
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Client, Connection } from "@temporalio/client";
import proto, { type temporal as protoTypes } from "@temporalio/proto";

// @temporalio/proto is CommonJS: its namespace is the default export under plain Node ESM.
const { temporal } = proto;
import { startDevServer, type DevServer } from "../src/dev-server/temporal-dev-server.js";
import type { RunState } from "../src/shared/run-types.js";
import {
  defineScenarioTasks,
  scenarios,
  type Recorded,
  type Scenario,
  type ScenarioContext,
} from "./replay-scenarios.js";
import {
  MANIFEST_FILE,
  patchIdsIn,
  patchMarkersIn,
  type FixtureEntry,
  type Manifest,
} from "../test/harness/replay-fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const currentEngine = resolve(here, "..");

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    engine: { type: "string" },
    label: { type: "string" },
    address: { type: "string" },
    out: { type: "string" },
    list: { type: "boolean" },
  },
});

if (values.list) {
  for (const scenario of scenarios) console.log(`${scenario.name.padEnd(28)} ${scenario.description}`);
  process.exit(0);
}

const engineRoot = resolve(values.engine ?? currentEngine);
const outDir = resolve(values.out ?? join(currentEngine, "test/replay-histories"));
const unknown = positionals.filter((name) => !scenarios.some((s) => s.name === name));
if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(", ")} (see --list)`);
const selected = positionals.length ? scenarios.filter((s) => positionals.includes(s.name)) : scenarios;

const git = (...args: string[]) => execFileSync("git", ["-C", engineRoot, ...args], { encoding: "utf8" }).trim();
const commit = git("rev-parse", "--short=12", "HEAD");
const dirty = git("status", "--porcelain", "--", "src/workflows") !== "";
const recordedAt = {
  commit: dirty ? `${commit}+uncommitted` : commit,
  subject: git("log", "-1", "--format=%s").slice(0, 120),
};
const isCurrent = engineRoot === currentEngine;
const label = isCurrent ? undefined : (values.label ?? `at-${commit.slice(0, 7)}`);
const currentPatches = patchIdsIn(join(currentEngine, "src/workflows"));
/** The patches the recording engine's runs take without markers (see REVISION_2_PATCHES; older engines: none). */
const revisionPatches: readonly string[] =
  (await engineModule<{ REVISION_2_PATCHES?: readonly string[] }>("src/shared/run-input.ts"))?.REVISION_2_PATCHES ?? [];
const enginePatches = patchIdsIn(join(engineRoot, "src/workflows"));

/** Imports a module of the engine checkout being recorded; optional ones may not exist in older checkouts. */
async function engineModule<T>(path: string, optional = false): Promise<T | undefined> {
  const file = join(engineRoot, path);
  if (!existsSync(file)) {
    if (optional) return undefined;
    throw new Error(`${file} does not exist in the engine checkout`);
  }
  return (await import(pathToFileURL(file).href)) as T;
}

type EngineClientModule = typeof import("../src/client/engine-client.js");
type WorkersModule = typeof import("../src/worker/create-workers.js");
type ExecutorModule = typeof import("../src/executor/in-process-executor.js");
type ConverterModule = typeof import("../src/shared/data-converter.js");
type PacketsModule = typeof import("../src/packets/packet-store.js");
type QueueGateModule = typeof import("../src/shared/queue-gate.js");
type LoggerModule = typeof import("../src/worker/runtime-logger.js");
type RuntimeModule = typeof import("@stint/sdk/runtime");
type ObjectStoreModule = typeof import("@stint/object-store");

async function startEngine(address: string) {
  const { StintEngineClient } = (await engineModule<EngineClientModule>("src/client/engine-client.ts"))!;
  const { createStintWorkers } = (await engineModule<WorkersModule>("src/worker/create-workers.ts"))!;
  const { InProcessExecutor } = (await engineModule<ExecutorModule>("src/executor/in-process-executor.ts"))!;
  const converter = await engineModule<ConverterModule>("src/shared/data-converter.ts", true);
  const packetModule = await engineModule<PacketsModule>("src/packets/packet-store.ts", true);
  const objectStore = await engineModule<ObjectStoreModule>("../object-store/src/index.ts", true);
  const gates = await engineModule<QueueGateModule>("src/shared/queue-gate.ts", true);
  const messages = (await engineModule<ScenarioContext["messages"]>("src/shared/messages.ts"))!;
  const sdk = (await engineModule<ScenarioContext["sdk"]>("../sdk/src/index.ts"))!;
  const runtime = (await engineModule<RuntimeModule>("../sdk/src/runtime/index.ts"))!;

  (await engineModule<LoggerModule>("src/worker/runtime-logger.ts", true))?.installRuntimeLogger("ERROR");
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: "default", dataConverter: converter?.stintDataConverter });
  const suffix = randomUUID().slice(0, 8);
  const environment = {
    id: `env_${suffix}`,
    slug: `replay-${suffix}`,
    type: "DEVELOPMENT" as const,
    projectRef: "proj_replay",
  };
  const packets =
    packetModule && objectStore
      ? packetModule.objectPacketStore(
          new objectStore.FileObjectStore({
            root: mkdtempSync(join(tmpdir(), "stint-replay-objects-")),
            publicUrl: "http://127.0.0.1:1",
            maxUploadBytes: 0,
          }),
          environment.id,
        )
      : undefined;
  const engine = new StintEngineClient({
    client,
    workflowTaskQueue: `stint-engine-${suffix}`,
    attemptQueue: `stint-attempts-${suffix}`,
    environment,
    packets,
  });
  defineScenarioTasks(sdk);
  const workers = await createStintWorkers({
    client,
    address,
    workflowTaskQueue: engine.options.workflowTaskQueue,
    attempts: {
      taskQueue: engine.options.attemptQueue,
      executor: new InProcessExecutor({ logSink: () => undefined }),
      packets,
    },
  });
  const running = workers.run();
  runtime.setClientRuntime(engine);

  const waitForRun = async (
    runId: string,
    until?: (state: RunState) => boolean,
    timeoutMs = 90_000,
  ): Promise<RunState> => {
    const deadline = Date.now() + timeoutMs;
    let last: RunState | undefined;
    while (Date.now() < deadline) {
      last = await engine.runState(runId).catch(() => last);
      if (last && (until ? until(last) : last.finishedAt !== undefined)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} did not reach the expected state in ${timeoutMs} ms; last status ${last?.status}`);
  };
  const ended = async (runId: string, status: RunState["status"]): Promise<RunState> => {
    const state = await waitForRun(runId);
    if (state.status !== status)
      throw new Error(`run ${runId} ended ${state.status}, not ${status}: ${state.error?.message ?? ""}`);
    return state;
  };
  const context: ScenarioContext = {
    engine,
    client,
    sdk,
    messages,
    waitForRun,
    ended,
    patches: enginePatches,
    gateId: (queue) => {
      if (!gates) throw new Error("this engine has no queue gates");
      return gates.queueGateId({ environmentId: environment.id, queue });
    },
  };
  return {
    context,
    async stop() {
      runtime.setClientRuntime(undefined);
      await workers.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

/** A workflow's history once no workflow task is in flight (an open workflow's history ends at a completed task). */
async function settledHistory(client: Client, workflowId: string): Promise<protoTypes.api.history.v1.IHistory> {
  const inFlight = new Set(["EVENT_TYPE_WORKFLOW_TASK_SCHEDULED", "EVENT_TYPE_WORKFLOW_TASK_STARTED"]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const last = history.events?.at(-1)?.eventType;
    const name = last === undefined || last === null ? undefined : temporal.api.enums.v1.EventType[last];
    if (!name || !inFlight.has(name) || Date.now() > deadline) return history;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One event per line: small files whose diffs read event by event. */
function historyJson(json: { events?: unknown[] }): string {
  return `{"events": [\n${(json.events ?? []).map((event) => JSON.stringify(event)).join(",\n")}\n]}\n`;
}

function fileName(scenario: Scenario, recorded: Recorded): string {
  return `${scenario.name}.${recorded.role}${label ? `.${label}` : ""}.json`;
}

async function recordScenario(context: ScenarioContext, scenario: Scenario, manifest: Manifest): Promise<string[]> {
  const workflows = await scenario.run(context);
  const written: string[] = [];
  const markers = new Set<string>();
  const entries: [string, FixtureEntry][] = [];
  for (const recorded of workflows) {
    const history = await settledHistory(context.client, recorded.workflowId);
    const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
      longs: String,
      enums: String,
      bytes: String,
    });
    // A failed workflow task is a bug in the scenario (or the engine), not a history worth keeping.
    if (json.events?.some((event: { eventType?: string }) => event.eventType === "EVENT_TYPE_WORKFLOW_TASK_FAILED")) {
      throw new Error(`a workflow task of ${recorded.workflowId} (${recorded.role}) failed: see its history`);
    }
    const found = patchMarkersIn(json);
    found.forEach((id) => markers.add(id));
    const file = fileName(scenario, recorded);
    entries.push([
      file,
      {
        scenario: scenario.name,
        description: scenario.description,
        role: recorded.role,
        workflowType: recorded.workflowType,
        workflowId: recorded.workflowId,
        recordedAt,
        patchedBranches: found,
        // The scenario reaches these patched() calls, and the code that recorded it had not added them yet.
        oldBranches: scenario.patches.filter((id) => currentPatches.includes(id) && !enginePatches.includes(id)),
      },
    ]);
    writeFileSync(join(outDir, file), historyJson(json));
    written.push(file);
  }
  // A patch the recording code has but whose marker no history holds: the scenario missed its branch (a race).
  // Runs of revision 2 take the new branch of the patches before it without a marker.
  const missed = scenario.patches.filter(
    (id) => enginePatches.includes(id) && !markers.has(id) && !revisionPatches.includes(id),
  );
  if (missed.length)
    throw new Error(`scenario ${scenario.name} did not reach patched(${missed.join(", ")}): record it again`);
  for (const [file, entry] of entries) manifest.fixtures[file] = entry;
  return written;
}

function readManifest(): Manifest {
  const path = join(outDir, MANIFEST_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Manifest) : { fixtures: {} };
}

function writeManifest(manifest: Manifest): void {
  // Entries of fixtures deleted by hand go too; the rest in file order, so diffs stay small.
  const fixtures = Object.fromEntries(
    Object.entries(manifest.fixtures)
      .filter(([file]) => existsSync(join(outDir, file)))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify({ fixtures }, null, 2)}\n`);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  console.log(
    `recording ${selected.length} scenario(s) with the engine at ${relative(process.cwd(), engineRoot) || "."} (${recordedAt.commit}${label ? `, files *.${label}.json` : ""})`,
  );
  let server: DevServer | undefined;
  const address = values.address ?? (server = await startDevServer({ headless: true })).address;
  const engine = await startEngine(address);
  const manifest = readManifest();
  const failed: string[] = [];
  try {
    for (const scenario of selected) {
      const started = Date.now();
      try {
        const files = await recordScenario(engine.context, scenario, manifest);
        console.log(`  ${scenario.name}: ${files.join(", ")} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed.push(scenario.name);
        console.error(`  ${scenario.name} FAILED: ${(error as Error).stack ?? error}`);
      }
      writeManifest(manifest);
    }
  } finally {
    await engine.stop();
    await server?.stop();
  }
  const total = readdirSync(outDir).filter(
    (f) => f.endsWith(".json") && f !== MANIFEST_FILE && statSync(join(outDir, f)).isFile(),
  ).length;
  console.log(`${total} fixture(s) in ${relative(process.cwd(), outDir)}`);
  if (failed.length) {
    console.error(`not recorded: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

await main();
