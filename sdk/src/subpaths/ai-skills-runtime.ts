/** `@trigger.dev/sdk/ai/skills-runtime` (agent skills' file and shell access): not supported by Stint yet. */
import { aiSurface } from "./ai-surface.js";

export const readFileInSkill = aiSurface("readFileInSkill");
export const runBashInSkill = aiSurface("runBashInSkill");
