/**
 * `prompts.*` and `skills.*` (Trigger.dev's managed prompts and agent skills, versioned in its dashboard). Stint does
 * not host them yet: `define(…)` at import returns a handle so the file loads; using the handle or calling the
 * management functions fails naming the feature.
 */
import { unsupportedApi } from "./unsupported.js";

const definers = new Set(["define"]);
export const prompts = unsupportedApi("prompts", { definers });
export const skills = unsupportedApi("skills", { definers });
