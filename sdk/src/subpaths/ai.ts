/** `@trigger.dev/sdk/ai`: not supported by Stint yet (see ai-surface.ts). */
import type { TaskRunContext as Context } from "../runtime/types.js";
import { aiSurface } from "./ai-surface.js";

export type TaskRunContext = Context;
export const TaskRunContext = aiSurface("TaskRunContext");
export const CHANNEL_TURN_ERROR_MESSAGE = "Something went wrong answering this. Try again.";
export const PENDING_MESSAGE_INJECTED_TYPE = "data-pending-message-injected";
export const ai = aiSurface("ai");
export const chat = aiSurface("chat");
export const buildSkillTools = aiSurface("buildSkillTools");
export const chatChannelCustom = aiSurface("chatChannelCustom");
export const defaultStorage = aiSurface("defaultStorage");
export const memoryTranscriptStorage = aiSurface("memoryTranscriptStorage");
export const reduceTranscriptChanges = aiSurface("reduceTranscriptChanges");
export const resolveReactionChoice = aiSurface("resolveReactionChoice");
export const snapshotTranscriptStorage = aiSurface("snapshotTranscriptStorage");
export const upsertIncomingMessage = aiSurface("upsertIncomingMessage");
export const __makeChannelLifecycleReporterForTests = aiSurface("__makeChannelLifecycleReporterForTests");
export const __makeChannelProgressObserverForTests = aiSurface("__makeChannelProgressObserverForTests");
export const __makeChannelStreamEditorForTests = aiSurface("__makeChannelStreamEditorForTests");
export const __makeChannelStreamTapForTests = aiSurface("__makeChannelStreamTapForTests");
export const __readChatSnapshotProductionPathForTests = aiSurface("__readChatSnapshotProductionPathForTests");
export const __setReadChatSnapshotImplForTests = aiSurface("__setReadChatSnapshotImplForTests");
export const __setReplaySessionInTailImplForTests = aiSurface("__setReplaySessionInTailImplForTests");
export const __setReplaySessionOutTailImplForTests = aiSurface("__setReplaySessionOutTailImplForTests");
export const __setWriteChatSnapshotImplForTests = aiSurface("__setWriteChatSnapshotImplForTests");
export const __waitForChannelEgressForTests = aiSurface("__waitForChannelEgressForTests");
export const __writeChatSnapshotProductionPathForTests = aiSurface("__writeChatSnapshotProductionPathForTests");
