"use client";
/** Workers serving the current environment: `stint dev` sessions (supervisors come with the supervisor). */
import { useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

interface Session {
  id: string;
  tasks: string[];
  lastHeartbeat: string;
  /** What the session's last heartbeat said: a session cut off from Temporal runs nothing until it reconnects. */
  temporalReachable: boolean;
}

function Workers({ environment }: ShellContext) {
  const [sessions, setSessions] = useState<Session[]>();
  useEffect(() => {
    const load = () => uiApi<{ sessions: Session[] }>(`/environments/${environment.id}/workers`).then((r) => setSessions(r.sessions));
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [environment.id]);
  if (!sessions) return <p><span className="spinner" /> Loading…</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Session</th>
          <th>Tasks</th>
          <th>Last heartbeat</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => {
          const age = (Date.now() - new Date(s.lastHeartbeat).getTime()) / 1000;
          return (
            <tr key={s.id}>
              <td>{s.id}</td>
              <td>{s.tasks.join(", ")}</td>
              <td className={age > 30 ? "muted" : ""}>{Math.round(age)} s ago</td>
              <td className={age > 30 ? "muted" : s.temporalReachable ? "" : "error"} data-status>
                {age > 30 ? "gone" : s.temporalReachable ? "alive" : "cannot reach Temporal (reconnecting)"}
              </td>
            </tr>
          );
        })}
        {sessions.length === 0 && <tr><td colSpan={4} className="muted">No workers yet: run `stint dev` with this environment's key.</td></tr>}
      </tbody>
    </table>
  );
}

export default function WorkersPage() {
  return <Shell title="Workers">{(context) => <Workers {...context} />}</Shell>;
}
