/** `@trigger.dev/sdk/chat/react` (React hooks for chat agents): not supported by Stint yet (see ai-surface.ts). */
import { aiSurface } from "./ai-surface.js";

export const seedTranscriptCursor = aiSurface("seedTranscriptCursor");
export const useChatActions = aiSurface("useChatActions");
export const useLoadTranscript = aiSurface("useLoadTranscript");
export const useMultiTabChat = aiSurface("useMultiTabChat");
export const usePendingMessages = aiSurface("usePendingMessages");
export const useSubAgentMessages = aiSurface("useSubAgentMessages");
export const useTriggerChatTransport = aiSurface("useTriggerChatTransport");
