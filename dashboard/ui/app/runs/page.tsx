"use client";
/**
 * Runs of the selected environment, filtered by status, task, tag and period or found by run id; 50 a page, older
 * pages through the list's cursor; the page shown is refreshed live.
 */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { RUN_STATUSES, uiApi, type RunRecord } from "../lib/api";

function RunsList({ environment }: ShellContext) {
  const [runs, setRuns] = useState<RunRecord[]>();
  const [filters, setFilters] = useState({ status: "", task: "", tag: "", period: "", runId: "" });
  const [error, setError] = useState<string>();
  // Cursors of the pages before the one shown ("" for the first), and the next page's cursor.
  const [cursors, setCursors] = useState<string[]>([""]);
  const [next, setNext] = useState<string>();
  const cursor = cursors[cursors.length - 1]!;

  const load = useCallback(async () => {
    const query = new URLSearchParams(
      Object.entries({ ...filters, runId: filters.runId.trim(), after: cursor }).filter(([, v]) => v !== ""),
    );
    try {
      const page = await uiApi<{ data: RunRecord[]; next?: string }>(`/environments/${environment.id}/runs?${query}`);
      setRuns(page.data);
      setNext(page.next);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [environment.id, filters, cursor]);

  useEffect(() => {
    setRuns(undefined);
    void load();
    const timer = setInterval(() => void load(), 1500);
    return () => clearInterval(timer);
  }, [load]);

  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => {
    setFilters({ ...filters, [key]: e.target.value });
    setCursors([""]);
  };

  return (
    <>
      <div className="row card">
        <select aria-label="Status" value={filters.status} onChange={set("status")}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <input aria-label="Run id" placeholder="Search by run id" value={filters.runId} onChange={set("runId")} />
        <input aria-label="Task" placeholder="Task id" value={filters.task} onChange={set("task")} />
        <input aria-label="Tag" placeholder="Tag" value={filters.tag} onChange={set("tag")} />
        <select aria-label="Period" value={filters.period} onChange={set("period")}>
          <option value="">Any time</option>
          <option value="1h">Last hour</option>
          <option value="24h">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
        </select>
        <span className="muted">Live: refreshes every 1.5 s</span>
      </div>
      {error && <p className="error">{error}</p>}
      {!runs && !error && (
        <p>
          <span className="spinner" /> Loading runs…
        </p>
      )}
      {runs && (
        <table>
          <thead>
            <tr>
              <th>Run</th>
              <th>Task</th>
              <th>Status</th>
              <th>Tags</th>
              <th>Created</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td>
                  <a href={`/runs/${run.id}?env=${environment.id}`}>{run.id}</a>
                </td>
                <td>{run.taskIdentifier}</td>
                <td>
                  <span className={`status ${run.status}`}>{run.status}</span>
                </td>
                <td>{run.tags.join(", ")}</td>
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td data-testid="run-duration">{formatDuration(run.durationMs)}</td>
              </tr>
            ))}
            {runs.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No runs match. Trigger one from the Test page or with the SDK.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {runs && (cursors.length > 1 || next) && (
        <div className="row">
          <button disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            ← Newer runs
          </button>
          <span className="muted" data-testid="runs-page">
            Page {cursors.length}
          </span>
          <button disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
            Older runs →
          </button>
        </div>
      )}
    </>
  );
}

/** Execution time (the list sends 0 until a run has finished). */
function formatDuration(ms: number): string {
  if (!ms) return "";
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

export default function RunsPage() {
  return <Shell title="Runs">{(context) => <RunsList {...context} />}</Shell>;
}
