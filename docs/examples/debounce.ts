// Executed by temporal-workers/test/docs-examples.test.ts — keep it in step with docs/triggering.md.
import { task } from "@trigger.dev/sdk";

/** Re-indexes a document: expensive, so it should run once per burst of edits, not once per keystroke. */
export const indexDocument = task({
  id: "docs-index-document",
  run: async (payload: { documentId: string; revision: number }) => ({ indexed: payload.documentId, revision: payload.revision }),
});

/**
 * Called on every edit. Edits within 2 s of each other share one run, which indexes the latest revision (trailing);
 * while edits keep coming, the run still starts within 20 s of the first one (maxDelay).
 */
export async function onDocumentEdited(documentId: string, revision: number) {
  return indexDocument.trigger(
    { documentId, revision },
    { debounce: { key: `doc-${documentId}`, delay: "2s", mode: "trailing", maxDelay: "20s" } },
  );
}
