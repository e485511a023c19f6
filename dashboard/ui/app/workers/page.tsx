"use client";
/**
 * Workers: the worker servers of every worker group (their supervisors, Connected while they heartbeat) and the
 * `stint dev` sessions serving the current environment. Admins create groups and rotate a group's token (shown once).
 */
import { useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

interface Clash {
  task: string;
  sessionId: string;
  label: string | null;
  servedBy: "this" | "other";
}

interface Session {
  id: string;
  label: string | null;
  tasks: string[];
  lastHeartbeat: string;
  /** What the session's last heartbeat said: a session cut off from Temporal runs nothing until it reconnects. */
  temporalReachable: boolean;
  endedAt: string | null;
  live: boolean;
  /** Tasks another live session registered with different code: runs go to the newest of the two. */
  clashes: Clash[];
}

function clashNotice(clashes: Clash[]): string {
  const byOther = new Map<string, Clash[]>();
  for (const clash of clashes) byOther.set(clash.sessionId, [...(byOther.get(clash.sessionId) ?? []), clash]);
  return [...byOther.entries()]
    .map(
      ([other, list]) =>
        `${list.map((c) => c.task).join(", ")}: also registered with different code by ${list[0]!.label ?? other}; runs go to ${list[0]!.servedBy === "this" ? "this session (the newest)" : "that newer session"}`,
    )
    .join(" · ");
}

interface WorkerServer {
  id: string;
  name: string;
  executor: string;
  capacity: number;
  running: number;
  versions: string[];
  lastHeartbeatAt: string;
  connected: boolean;
}

interface WorkerGroup {
  id: string;
  name: string;
  taskQueue: string;
  tokenHint: string;
  rotatedAt: string | null;
  servers: WorkerServer[];
}

const secondsAgo = (time: string) => Math.round((Date.now() - new Date(time).getTime()) / 1000);

function WorkerGroups() {
  const [groups, setGroups] = useState<WorkerGroup[]>();
  const [revealed, setRevealed] = useState<{ group: string; token: string }>();
  const [name, setName] = useState("");
  const [error, setError] = useState<string>();
  const load = () => uiApi<{ groups: WorkerGroup[] }>("/worker-groups").then((r) => setGroups(r.groups));
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);

  const act = async (run: () => Promise<{ name: string; token: string }>) => {
    setError(undefined);
    try {
      const { name: group, token } = await run();
      setRevealed({ group, token });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const create = () =>
    act(() =>
      uiApi<{ name: string; token: string }>("/worker-groups", { body: { name } }).then((r) => (setName(""), r)),
    );
  const rotate = (group: WorkerGroup) => {
    if (
      !window.confirm(
        `Rotate the token of ${group.name}? Its supervisors are refused from their next call until they get the new one.`,
      )
    )
      return;
    void act(() =>
      uiApi<{ token: string }>(`/worker-groups/${group.id}/rotate-token`, { body: {} }).then((r) => ({
        name: group.name,
        token: r.token,
      })),
    );
  };

  if (!groups)
    return (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  return (
    <div className="card">
      <h3>Worker servers</h3>
      <p className="muted">
        Deployed environments run on worker servers: a supervisor on each, started with its group's worker token
        (tr_wgt_…).
      </p>
      {revealed && (
        <p>
          New token of <b>{revealed.group}</b> (shown once):{" "}
          <span className="key" data-testid="revealed-worker-token">
            {revealed.token}
          </span>
        </p>
      )}
      {groups.map((group) => (
        <div key={group.id} data-worker-group={group.name}>
          <h4>
            {group.name}{" "}
            <span className="muted">
              · task queue {group.taskQueue} · token tr_wgt_…{group.tokenHint}
            </span>{" "}
            <button className="secondary" onClick={() => rotate(group)}>
              Rotate token
            </button>
          </h4>
          <table>
            <thead>
              <tr>
                <th>Server</th>
                <th>Status</th>
                <th>Executor</th>
                <th>Running / capacity</th>
                <th>Versions</th>
                <th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {group.servers.map((server) => (
                <tr key={server.id} data-worker-server={server.name}>
                  <td>{server.name}</td>
                  <td className={server.connected ? "" : "muted"} data-status>
                    {server.connected ? "Connected" : "Disconnected"}
                  </td>
                  <td>{server.executor}</td>
                  <td>
                    {server.running} / {server.capacity}
                  </td>
                  <td>{server.versions.join(", ") || "—"}</td>
                  <td>{secondsAgo(server.lastHeartbeatAt)} s ago</td>
                </tr>
              ))}
              {group.servers.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    No server yet: start a supervisor with this group's token.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      ))}
      <p>
        <input placeholder="new group name" value={name} onChange={(e) => setName(e.target.value)} />{" "}
        <button onClick={() => void create()} disabled={!name}>
          Create worker group
        </button>
      </p>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

interface SessionList {
  project: { name: string; ref: string };
  /** Sessions gone for over an hour, left out unless asked for. */
  hiddenDisconnected: number;
  sessions: Session[];
}

function DevSessions({ environment }: ShellContext) {
  const [list, setList] = useState<SessionList>();
  const [showDisconnected, setShowDisconnected] = useState(false);
  useEffect(() => {
    const load = () =>
      uiApi<SessionList>(
        `/environments/${environment.id}/workers?disconnected=${showDisconnected ? "show" : "hide"}`,
      ).then(setList);
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [environment.id, showDisconnected]);
  if (!list)
    return (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  const { sessions, project } = list;
  return (
    <div className="card">
      <h3>stint dev sessions</h3>
      <p className="muted">
        {showDisconnected ? (
          <>Every session, also those gone for over an hour. </>
        ) : (
          list.hiddenDisconnected > 0 && (
            <span data-testid="hidden-sessions">
              {list.hiddenDisconnected} session{list.hiddenDisconnected === 1 ? "" : "s"} disconnected for over an hour
              not shown.{" "}
            </span>
          )
        )}
        <label>
          <input type="checkbox" checked={showDisconnected} onChange={(e) => setShowDisconnected(e.target.checked)} />{" "}
          Show disconnected
        </label>
      </p>
      <table>
        <thead>
          <tr>
            <th>Session</th>
            <th>Project</th>
            <th>Tasks</th>
            <th>Last heartbeat</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              <td>
                {s.id}
                {s.label && <div className="muted">{s.label}</div>}
              </td>
              <td data-testid="session-project">
                {project.name} <span className="muted">{project.ref}</span>
              </td>
              <td>
                {s.tasks.join(", ")}
                {s.clashes.length > 0 && (
                  <div className="warning" data-testid="session-clash">
                    ⚠ {clashNotice(s.clashes)}
                  </div>
                )}
              </td>
              <td className={s.live ? "" : "muted"}>{secondsAgo(s.lastHeartbeat)} s ago</td>
              <td className={!s.live ? "muted" : s.temporalReachable ? "" : "error"} data-status>
                {s.endedAt
                  ? "stopped"
                  : !s.live
                    ? "gone"
                    : s.temporalReachable
                      ? "alive"
                      : "cannot reach Temporal (reconnecting)"}
              </td>
            </tr>
          ))}
          {sessions.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                {list.hiddenDisconnected > 0
                  ? "No session connected in the last hour."
                  : "No workers yet: run `stint dev` with this environment's key."}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export default function WorkersPage() {
  return (
    <Shell title="Workers">
      {(context) => (
        <>
          {context.environment.type === "DEVELOPMENT" ? <DevSessions {...context} /> : null}
          <WorkerGroups />
        </>
      )}
    </Shell>
  );
}
