/** `@trigger.dev/sdk/chat-server` (route handlers for chat agents): not supported by Stint yet (see ai-surface.ts). */
import { aiSurface } from "./ai-surface.js";

export const chat = aiSurface("chat");
