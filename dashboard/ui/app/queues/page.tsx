"use client";
/** Queues of the environment: running and queued runs against the limit (live), pause/resume, limit override. */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import type { QueueItemWire as Queue } from "@stint/sdk/runtime";
import { uiApi } from "../lib/api";

function Queues({ environment }: ShellContext) {
  const [queues, setQueues] = useState<Queue[]>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () => uiApi<{ data: Queue[] }>(`/environments/${environment.id}/queues`).then((r) => setQueues(r.data), (e: Error) => setError(e.message)),
    [environment.id],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 2_000);
    return () => clearInterval(timer);
  }, [load]);

  const act = async (q: Queue, path: string, body: unknown = {}) => {
    setBusy(q.id);
    setError(undefined);
    try {
      await uiApi(`/environments/${environment.id}/queues/${q.id}/${path}`, { body });
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  const override = (q: Queue) => {
    const answer = window.prompt(`Concurrency limit for ${q.name} (empty to go back to ${q.concurrency.base ?? "the environment's"})`, String(q.concurrencyLimit ?? ""));
    if (answer === null) return;
    void act(q, "limit", { concurrencyLimit: answer.trim() === "" ? null : Number(answer) });
  };

  if (!queues) return error ? <p className="error">{error}</p> : <p><span className="spinner" /> Loading…</p>;
  return (
    <>
      <table>
        <thead>
          <tr><th>Queue</th><th>Type</th><th>Running</th><th>Queued</th><th>Limit</th><th>Status</th><th /></tr>
        </thead>
        <tbody>
          {queues.map((q) => (
            <tr key={q.id} data-queue={q.name}>
              <td>{q.name}</td>
              <td>{q.type}</td>
              <td data-testid="queue-running">{q.running}</td>
              <td data-testid="queue-queued">{q.queued}</td>
              <td>
                {q.concurrencyLimit ?? "—"}
                {q.concurrency.override !== null && <span className="muted"> (override; code says {q.concurrency.base ?? "none"})</span>}
              </td>
              <td data-testid="queue-status">{q.paused ? "paused" : "active"}</td>
              <td>
                <button className="secondary" onClick={() => act(q, q.paused ? "resume" : "pause")} disabled={busy === q.id}>
                  {busy === q.id && <span className="spinner" />} {q.paused ? "Resume" : "Pause"}
                </button>{" "}
                <button className="secondary" onClick={() => override(q)} disabled={busy === q.id}>Limit…</button>
              </td>
            </tr>
          ))}
          {queues.length === 0 && <tr><td colSpan={7} className="muted">No queues yet: they appear when a worker (stint dev) registers its tasks.</td></tr>}
        </tbody>
      </table>
      {error && <p className="error">{error}</p>}
    </>
  );
}

export default function QueuesPage() {
  return <Shell title="Queues">{(context) => <Queues {...context} />}</Shell>;
}
