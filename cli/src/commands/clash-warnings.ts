/**
 * Warnings for tasks this session shares with another live session of the environment, with different code: runs
 * go to the newest session, and both terminals say so (once per other session and side).
 */
import type { SessionClash } from "../webapp-session.js";

function listTasks(tasks: string[]): string {
  return tasks.length <= 5 ? tasks.join(", ") : `${tasks.slice(0, 5).join(", ")} and ${tasks.length - 5} more`;
}

export class ClashWarnings {
  private readonly told = new Set<string>();

  constructor(private readonly print: (line: string) => void = (line) => console.warn(line)) {}

  report(clashes: SessionClash[]): void {
    const groups = new Map<string, SessionClash[]>();
    for (const clash of clashes) {
      const key = `${clash.sessionId}|${clash.servedBy}|${clash.task}`;
      if (this.told.has(key)) continue;
      this.told.add(key);
      const group = `${clash.sessionId}|${clash.servedBy}`;
      groups.set(group, [...(groups.get(group) ?? []), clash]);
    }
    for (const group of groups.values()) {
      const { sessionId, label, startedAt, servedBy } = group[0]!;
      const tasks = listTasks(group.map((clash) => clash.task));
      const other = `dev session ${sessionId}${label ? ` (${label}, started ${new Date(startedAt).toLocaleTimeString()})` : ""}`;
      this.print(
        servedBy === "this"
          ? `⚠ ${tasks}: also registered, with different code, by ${other} in the same environment. Their runs now come to this session (the newest).`
          : `⚠ ${tasks}: now registered, with different code, by a newer ${other} in the same environment. Their runs go there, not here, while it runs.`,
      );
    }
  }
}
