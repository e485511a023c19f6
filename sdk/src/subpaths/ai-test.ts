/** `@trigger.dev/sdk/ai/test` (test helpers for chat agents): not supported by Stint yet (see ai-surface.ts). */
import { aiSurface } from "./ai-surface.js";

export const DEFAULT_TEST_CONNECTOR_ID = "test-channel";
export const mockChatAgent = aiSurface("mockChatAgent");
export const recordingChannelConnector = aiSurface("recordingChannelConnector");
export const runInMockTaskContext = aiSurface("runInMockTaskContext");
export const runTranscriptStorageTests = aiSurface("runTranscriptStorageTests");
