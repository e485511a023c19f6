/**
 * Replay safety: every recorded history in test/replay-histories replays against the current workflow code without
 * non-determinism, so a change to a workflow cannot break the runs, tokens, keys and queue gates already running.
 * The fixtures cover each `patched()` call's new branch (its marker in a history) and old branch (a history made by
 * the code before the patch). Record them with scripts/record-replay-histories.ts; see docs/changing-workflows.md.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "@temporalio/worker";
import { describe, expect, it } from "vitest";
import { engineWorkflowBundle } from "../src/worker/workflow-bundle.js";
import { stintDataConverter } from "../src/shared/data-converter.js";
import { RUN_WORKFLOW_REVISION } from "../src/shared/run-input.js";
import {
  MANIFEST_FILE,
  historyFromFixture,
  patchIdsIn,
  patchMarkersIn,
  type JsonHistory,
  type Manifest,
} from "./harness/replay-fixtures.js";

interface StartedEvent {
  workflowExecutionStartedEventAttributes?: { input?: { payloads?: { data?: string }[] } };
}

const fixturesDir = fileURLToPath(new URL("./replay-histories", import.meta.url));
const workflowsDir = fileURLToPath(new URL("../src/workflows", import.meta.url));
const manifest = JSON.parse(readFileSync(join(fixturesDir, MANIFEST_FILE), "utf8")) as Manifest;
const files = readdirSync(fixturesDir)
  .filter((file) => file.endsWith(".json") && file !== MANIFEST_FILE)
  .sort();
const histories = new Map(
  files.map((file) => [file, JSON.parse(readFileSync(join(fixturesDir, file), "utf8")) as JsonHistory]),
);

describe("replay of recorded histories", () => {
  it("every fixture replays against the current workflow code without non-determinism", async () => {
    expect(files.length).toBeGreaterThan(0);
    const replay = Worker.runReplayHistories(
      {
        workflowBundle: await engineWorkflowBundle(),
        dataConverter: stintDataConverter,
        replayName: "stint-replay-test",
      },
      files.map((file) => ({
        workflowId: manifest.fixtures[file]?.workflowId ?? file,
        history: historyFromFixture(histories.get(file)!),
      })),
    );
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of replay) {
      const file = files[replayed++]!;
      if (result.error)
        failures.push(
          `${file} (${manifest.fixtures[file]?.description ?? "not in the manifest"}): ${result.error.message}`,
        );
    }
    expect(replayed).toBe(files.length);
    expect(failures, `histories that no longer replay:\n${failures.join("\n")}`).toEqual([]);
  });

  it("every fixture is in the manifest, saying which commit recorded it", () => {
    for (const file of files) {
      expect(manifest.fixtures[file], `${file} has no entry in ${MANIFEST_FILE}`).toBeDefined();
      expect(manifest.fixtures[file]!.recordedAt.commit).toMatch(/^[0-9a-f]{7,}/);
    }
    for (const file of Object.keys(manifest.fixtures))
      expect(existsSync(join(fixturesDir, file)), `${MANIFEST_FILE} names a missing ${file}`).toBe(true);
  });

  it("runs of the current revision have fixtures, and so do runs from before revisions", () => {
    const revisionOf = (history: JsonHistory) => {
      const started = (history.events[0] as StartedEvent).workflowExecutionStartedEventAttributes;
      const data = started?.input?.payloads?.[0]?.data;
      return data
        ? ((JSON.parse(Buffer.from(data, "base64").toString("utf8")) as { revision?: number }).revision ?? 1)
        : 1;
    };
    const runs = files.filter((file) => manifest.fixtures[file]?.workflowType === "runWorkflow");
    const revisions = new Set(runs.map((file) => revisionOf(histories.get(file)!)));
    expect([...revisions].sort()).toEqual([1, RUN_WORKFLOW_REVISION]);
  });

  it("every patched() branch of the workflow code has a fixture: one holding its marker, one made before the patch", () => {
    const patches = patchIdsIn(workflowsDir, "patched");
    expect(patches.length).toBeGreaterThan(0);
    const withMarker = new Set([...histories.values()].flatMap((history) => patchMarkersIn(history)));
    const before = new Set(Object.values(manifest.fixtures).flatMap((entry) => entry.oldBranches));
    const missing = [
      ...patches.flatMap((id) => [
        ...(withMarker.has(id) ? [] : [`${id}: no history holds its marker (record a scenario that reaches it)`]),
        ...(before.has(id)
          ? []
          : [`${id}: no history was made before it (record one with --engine at the commit before the patch)`]),
      ]),
      // A deprecated patch has only its new branch left: histories made after it must still replay.
      ...patchIdsIn(workflowsDir, "deprecated").flatMap((id) =>
        withMarker.has(id) ? [] : [`${id}: no history holds its marker`],
      ),
    ];
    expect(missing, missing.join("\n")).toEqual([]);
  });
});
