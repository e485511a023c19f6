"use client";
/** Runs of the selected environment, filtered by status, task, tag and period; refreshed live. */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi, type RunRecord } from "../lib/api";

const STATUSES = ["QUEUED", "DELAYED", "EXECUTING", "WAITING", "COMPLETED", "FAILED", "CANCELED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"];

function RunsList({ environment }: ShellContext) {
  const [runs, setRuns] = useState<RunRecord[]>();
  const [filters, setFilters] = useState({ status: "", task: "", tag: "", period: "" });
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ""));
    try {
      const page = await uiApi<{ data: RunRecord[] }>(`/environments/${environment.id}/runs?${query}`);
      setRuns(page.data);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [environment.id, filters]);

  useEffect(() => {
    setRuns(undefined);
    void load();
    const timer = setInterval(() => void load(), 1500);
    return () => clearInterval(timer);
  }, [load]);

  const set = (key: keyof typeof filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });

  return (
    <>
      <div className="row card">
        <select aria-label="Status" value={filters.status} onChange={set("status")}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
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
                <td>{run.durationMs ? `${run.durationMs} ms` : ""}</td>
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
    </>
  );
}

export default function RunsPage() {
  return <Shell title="Runs">{(context) => <RunsList {...context} />}</Shell>;
}
