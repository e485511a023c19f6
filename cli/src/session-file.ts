/** `.stint/dev-session.json`: where a running `stint dev` is and what it polls, so `stint status` can find it. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";

/** A Temporal task queue this session polls, and for what: the engine's workflows, or task attempts (activities). */
export const polledQueueSchema = z.object({ name: z.string(), kind: z.enum(["workflows", "attempts"]) });
export type PolledQueue = z.infer<typeof polledQueueSchema>;

export const sessionSchema = z.object({
  pid: z.number(),
  projectDir: z.string(),
  /** standalone: its own engine on Temporal; webapp: a session of a Stint webapp, which runs the engine. */
  mode: z.enum(["standalone", "webapp"]),
  /** Webapp mode: the webapp and this session's id there. */
  webapp: z.object({ url: z.string(), sessionId: z.string() }).optional(),
  temporalAddress: z.string(),
  temporalUiUrl: z.string().optional(),
  namespace: z.string(),
  queues: z.array(polledQueueSchema),
  taskIds: z.array(z.string()),
  startedAt: z.string(),
});
export type DevSession = z.infer<typeof sessionSchema>;

export const sessionFile = (stateDir: string) => join(stateDir, "dev-session.json");

export function writeSession(stateDir: string, session: DevSession): void {
  mkdirSync(dirname(sessionFile(stateDir)), { recursive: true });
  writeFileSync(sessionFile(stateDir), JSON.stringify(session, null, 2));
}

/** The recorded session; undefined when there is none, or it was written by another version of the CLI. */
export function readSession(stateDir: string): DevSession | undefined {
  try {
    return sessionSchema.parse(JSON.parse(readFileSync(sessionFile(stateDir), "utf8")));
  } catch {
    return undefined;
  }
}
