/**
 * Adding tags to a run after it was triggered, as Trigger.dev does: new tags only (duplicates and blanks dropped),
 * at most 10 in all, and a finished run takes them too. A running run's tags live in its workflow (search
 * attributes, so filters find them); a closed workflow cannot change, so a finished run's later tags are kept in the
 * run index, which `ownedRun` merges back in. A run still in the outbox starts with them.
 */
import type { RunRecord } from "@stint/sdk/runtime";
import type { StintEngineClient } from "@stint/temporal-workers";
import type { Database } from "../database/prisma-client.js";
import { addTagsInOutbox } from "./run-outbox-sql.js";
import { mergeIndexedTags } from "./run-index-sql.js";

export const MAX_TAGS_PER_RUN = 10;

export type AddTagsResult = { added: string[] } | { tooMany: { existing: number; adding: string[] } };

export async function addRunTags(
  db: Database,
  engine: StintEngineClient,
  run: RunRecord,
  tags: string[],
): Promise<AddTagsResult> {
  const adding = [...new Set(tags.filter((tag) => tag.trim() !== "" && !run.tags.includes(tag)))];
  if (run.tags.length + adding.length > MAX_TAGS_PER_RUN) return { tooMany: { existing: run.tags.length, adding } };
  if (adding.length === 0) return { added: [] };
  for (let tries = 0; ; tries++) {
    try {
      await engine.addTags(run.id, adding);
      break;
    } catch (error) {
      // Not running: finished (the workflow is closed), or accepted and not started yet.
      if ((error as { status?: number }).status !== 404) throw error;
      const outbox = await addTagsInOutbox(db, run.id, adding);
      // A dispatcher is starting it right now: it exists on Temporal a moment later.
      if (outbox !== "leased" || tries >= 50) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // The index follows the workflow's tags anyway; for a closed one this is where they are kept.
  await mergeIndexedTags(db, run.id, adding);
  return { added: adding };
}
