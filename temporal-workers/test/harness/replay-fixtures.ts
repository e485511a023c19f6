/**
 * Replay fixtures (test/replay-histories): recorded workflow histories and the manifest that says what each covers.
 * Shared by the recorder (scripts/record-replay-histories.ts) and the replay test.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import proto, { type temporal as protoTypes } from "@temporalio/proto";

// @temporalio/proto is CommonJS: its namespace is the default export under plain Node ESM.
const { temporal } = proto;

export const MANIFEST_FILE = "manifest.json";

export interface FixtureEntry {
  scenario: string;
  description: string;
  role: string;
  workflowType: string;
  workflowId: string;
  /** The commit whose workflow code made the history. */
  recordedAt: { commit: string; subject: string };
  /** Patches whose marker the history holds: it took their new branch. */
  patchedBranches: string[];
  /** Patches whose call the scenario reaches but the recording code did not have yet: it took their old branch. */
  oldBranches: string[];
}

export interface Manifest {
  fixtures: Record<string, FixtureEntry>;
}

/**
 * Patch ids in the workflow sources under `dir`: `patched("…")` calls (both branches live) or, with `deprecated`,
 * `deprecatePatch("…")` calls (the old branch is gone).
 */
export function patchIdsIn(dir: string, kind: "patched" | "deprecated" | "all" = "all"): string[] {
  const call = { patched: "patched", deprecated: "deprecatePatch", all: "patched|deprecatePatch" }[kind];
  const pattern = new RegExp(`\\b(?:${call})\\(\\s*["'\`]([^"'\`]+)["'\`]`, "g");
  const ids = new Set<string>();
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const file = join(path, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (entry.endsWith(".ts"))
        for (const match of readFileSync(file, "utf8").matchAll(pattern)) ids.add(match[1]!);
    }
  };
  walk(dir);
  return [...ids].sort();
}

interface JsonPayload {
  data?: string;
}
interface JsonEvent {
  eventTime?: unknown;
  markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: JsonPayload[] }> };
}
export interface JsonHistory {
  events: JsonEvent[];
}

/** Patch ids recorded in a history (Temporal's `core_patch` markers), from its JSON form. */
export function patchMarkersIn(history: { events?: unknown[] | null }): string[] {
  const ids = new Set<string>();
  for (const event of (history.events ?? []) as JsonEvent[]) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== "core_patch") continue;
    for (const { payloads } of Object.values(marker.details ?? {})) {
      for (const payload of payloads ?? []) {
        const decoded = JSON.parse(Buffer.from(payload.data ?? "", "base64").toString("utf8")) as {
          id?: string;
          patch_id?: string;
        };
        const id = decoded.id ?? decoded.patch_id;
        if (id) ids.add(id);
      }
    }
  }
  return [...ids].sort();
}

/**
 * A fixture as `Worker.runReplayHistories` takes it. The recorder writes protobuf.js's JSON form of the History
 * (`toObject`); a history in Temporal's own JSON format (the Web UI's download, `temporal workflow show -o json`),
 * whose event times are strings, is passed as it is: the worker reads that format itself.
 */
export function historyFromFixture(json: JsonHistory): protoTypes.api.history.v1.History | JsonHistory {
  if (typeof json.events[0]?.eventTime === "string") return json;
  return temporal.api.history.v1.History.fromObject(json);
}
