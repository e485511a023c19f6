/** `.stint/dev-session.json`: where a running `stint dev` is, so `stint status` can find it. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

export const sessionSchema = z.object({
  pid: z.number(),
  projectDir: z.string(),
  temporalAddress: z.string(),
  temporalUiUrl: z.string().optional(),
  namespace: z.string(),
  workflowTaskQueue: z.string(),
  attemptQueue: z.string(),
  taskIds: z.array(z.string()),
  startedAt: z.string(),
});
export type DevSession = z.infer<typeof sessionSchema>;

export const sessionFile = (stateDir: string) => join(stateDir, "dev-session.json");

export function writeSession(stateDir: string, session: DevSession): void {
  mkdirSync(dirname(sessionFile(stateDir)), { recursive: true });
  writeFileSync(sessionFile(stateDir), JSON.stringify(session, null, 2));
}

export function readSession(stateDir: string): DevSession | undefined {
  try {
    return sessionSchema.parse(JSON.parse(readFileSync(sessionFile(stateDir), "utf8")));
  } catch {
    return undefined;
  }
}
