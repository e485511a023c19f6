/**
 * Two live sessions of one environment that registered the same task id with different code: runs go to the newest,
 * and both are told (the register and heartbeat answers, which `stint dev` prints, and the Workers page).
 */
import type { Database } from "../database/prisma-client.js";
import { liveSessions } from "./live-sessions.js";

export interface SessionClash {
  task: string;
  /** The other session. */
  sessionId: string;
  label: string | null;
  startedAt: Date;
  /** Which of the two gets the task's runs: the newest live session that registered it. */
  servedBy: "this" | "other";
}

interface SessionRow {
  id: string;
  tasks: string[];
  taskVersions: unknown;
  label: string | null;
  createdAt: Date;
}

const versionsOf = (row: SessionRow) => (row.taskVersions ?? {}) as Record<string, string | undefined>;

function clashesBetween(session: SessionRow, live: SessionRow[]): SessionClash[] {
  const others = live.filter((other) => other.id !== session.id);
  const mine = versionsOf(session);
  const clashes: SessionClash[] = [];
  for (const task of session.tasks) {
    const rivals = others.filter((other) => other.tasks.includes(task));
    if (rivals.length === 0) continue;
    const newest = [session, ...rivals].reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
    for (const other of rivals) {
      if (mine[task] !== undefined && mine[task] === versionsOf(other)[task]) continue;
      clashes.push({
        task,
        sessionId: other.id,
        label: other.label,
        startedAt: other.createdAt,
        servedBy: newest.id === session.id ? "this" : "other",
      });
    }
  }
  return clashes;
}

export async function clashesOfSession(
  db: Database,
  environmentId: string,
  sessionId: string,
): Promise<SessionClash[]> {
  const live = await liveSessions(db, environmentId);
  const session = live.find((s) => s.id === sessionId);
  return session ? clashesBetween(session, live) : [];
}

/** Every live session's clashes, for the Workers page. */
export async function clashesInEnvironment(db: Database, environmentId: string): Promise<Map<string, SessionClash[]>> {
  const live = await liveSessions(db, environmentId);
  return new Map(live.map((session) => [session.id, clashesBetween(session, live)]));
}
