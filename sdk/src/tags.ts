import { requireRunRuntime } from "./runtime/globals.js";

export const tags = {
  /** Adds tags to the current run (inside run() only). */
  add: async (tagOrTags: string | string[]): Promise<void> => {
    const list = Array.isArray(tagOrTags) ? tagOrTags : [tagOrTags];
    for (const tag of list) {
      if (typeof tag !== "string" || tag.length === 0 || tag.length > 127) {
        throw new TypeError(`tags.add: "${tag}" is not a valid tag (1-127 characters)`);
      }
    }
    await requireRunRuntime("tags.add").addTags(list);
  },
};
