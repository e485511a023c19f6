// Executed by temporal-workers/test/docs-examples.test.ts; docs/triggering.md shows the regions below.
// #region task
import { task } from "@trigger.dev/sdk";

/** Re-indexes a document: expensive, so it should run once per burst of edits, not once per keystroke. */
export const indexDocument = task({
  id: "index-document",
  run: async (payload: { documentId: string; revision: number }) => ({
    indexed: payload.documentId,
    revision: payload.revision,
  }),
});
// #endregion task

export async function onDocumentEdited(documentId: string, revision: number) {
  // #region trigger
  // On every edit: edits within 2 s of each other share one run, which indexes the latest revision (trailing);
  // while edits keep coming, the run still starts within 20 s of the first one (maxDelay).
  return indexDocument.trigger(
    { documentId, revision },
    { debounce: { key: `doc-${documentId}`, delay: "2s", mode: "trailing", maxDelay: "20s" } },
  );
  // #endregion trigger
}
