/** `@trigger.dev/sdk/chat` (the chat client for the browser): not supported by Stint yet (see ai-surface.ts). */
import { aiSurface } from "./ai-surface.js";

export const SUB_AGENT_DATA_TYPE = "data-subagent";
export const AgentChat = aiSurface("AgentChat");
export const ChatStream = aiSurface("ChatStream");
export const TriggerChatTransport = aiSurface("TriggerChatTransport");
export const createChatTransport = aiSurface("createChatTransport");
export const createSubAgentMessages = aiSurface("createSubAgentMessages");
