/**
 * Trigger.dev's AI and chat surface (`@trigger.dev/sdk/ai`, `/chat`, `/chat/react`, `/chat-server`, `/ai/test`,
 * `/ai/skills-runtime`): chat agents, sessions and AI SDK tools run on Trigger.dev's hosted chat services, which Stint
 * does not have yet. Every export exists so a project's files load; the calls a file makes at import to declare things
 * return declarations, `chat.agent({ id })` registers a task that fails naming the feature, and any other call throws
 * `<name> is not supported by Stint yet.`
 */
import { unsupportedApi } from "../unsupported.js";

const definers = new Set([
  "tool",
  "toolFromTask",
  "withUIMessage",
  "withClientData",
  "local",
  "event",
  "define",
  "createStartSessionAction",
  "createLoadTranscriptAction",
  "memoryTranscriptStorage",
  "snapshotTranscriptStorage",
  "chatChannelCustom",
  "buildSkillTools",
  "custom",
]);
const taskDefiners = new Set(["agent", "customAgent"]);
// ChatBuilder's hooks, chained between chat.withClientData(…) / withUIMessage(…) and .agent(…).
const builderDefiners = new Set([
  "onBoot",
  "onPreload",
  "onChatStart",
  "onChatResume",
  "onChatSuspend",
  "onTurnStart",
  "onBeforeTurnComplete",
  "onTurnComplete",
  "onCompacted",
]);

/** An export of the AI / chat surface, named as the user's code imports it. */
export function aiSurface(name: string): any {
  return unsupportedApi(name, { definers, taskDefiners, builderDefiners });
}
