"use client";
/** Schedules of the environment: cron, timezone, next run; activate or deactivate. */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

interface Schedule {
  id: string;
  type: string;
  task: string;
  active: boolean;
  timezone: string;
  externalId?: string;
  nextRun?: string;
  generator: { expression: string; description: string };
}

function Schedules({ environment }: ShellContext) {
  const [schedules, setSchedules] = useState<Schedule[]>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      uiApi<{ data: Schedule[] }>(`/environments/${environment.id}/schedules`).then(
        (r) => setSchedules(r.data),
        (e: Error) => setError(e.message),
      ),
    [environment.id],
  );
  useEffect(() => void load(), [load]);

  const toggle = async (s: Schedule) => {
    setBusy(s.id);
    try {
      await uiApi(`/environments/${environment.id}/schedules/${s.id}/${s.active ? "deactivate" : "activate"}`, {
        body: {},
      });
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  if (!schedules)
    return error ? (
      <p className="error">{error}</p>
    ) : (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  return (
    <>
      <table>
        <thead>
          <tr>
            <th>Schedule</th>
            <th>Task</th>
            <th>Cron</th>
            <th>Timezone</th>
            <th>Next run</th>
            <th>Type</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <tr key={s.id}>
              <td>
                {s.id}
                {s.externalId ? <span className="muted"> · {s.externalId}</span> : null}
              </td>
              <td>{s.task}</td>
              <td>
                <span className="key">{s.generator.expression}</span>{" "}
                <span className="muted">{s.generator.description}</span>
              </td>
              <td>{s.timezone}</td>
              <td>
                {s.active && s.nextRun ? new Date(s.nextRun).toLocaleString() : <span className="muted">paused</span>}
              </td>
              <td>{s.type.toLowerCase()}</td>
              <td>
                <button className="secondary" onClick={() => toggle(s)} disabled={busy === s.id}>
                  {busy === s.id && <span className="spinner" />} {s.active ? "Deactivate" : "Activate"}
                </button>
              </td>
            </tr>
          ))}
          {schedules.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No schedules: declare one with schedules.task({"{ cron }"}) or create one with the SDK.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {error && <p className="error">{error}</p>}
    </>
  );
}

export default function SchedulesPage() {
  return <Shell title="Schedules">{(context) => <Schedules {...context} />}</Shell>;
}
