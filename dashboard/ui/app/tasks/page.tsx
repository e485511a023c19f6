"use client";
/** Tasks the environment has now (its newest and live sessions', or its current deployment's) with the queue each runs on: queued (depth), running, total runs, waiting on a waitpoint (not running), and whether a worker serves them. */
import { useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

interface TaskStats {
  task: string;
  /** The queue its runs go to: its declared queue, else its own. */
  queue: string;
  queued: number;
  running: number;
  waiting: number;
  total: number;
  lastRunAt?: string;
  served: boolean;
}

function Tasks({ environment }: ShellContext) {
  const [tasks, setTasks] = useState<TaskStats[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const load = () =>
      uiApi<{ tasks: TaskStats[] }>(`/environments/${environment.id}/task-stats`).then(
        (r) => setTasks(r.tasks),
        (e: Error) => setError(e.message),
      );
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [environment.id]);
  if (error) return <p className="error">{error}</p>;
  if (!tasks)
    return (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  return (
    <table>
      <thead>
        <tr>
          <th>Task</th>
          <th>Queue</th>
          <th>Queued</th>
          <th>Running</th>
          <th>Runs</th>
          <th>Waiting</th>
          <th>Last run</th>
          <th>Worker</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.task} data-task={t.task}>
            <td>
              <a href={`/runs?env=${environment.id}`}>{t.task}</a>
            </td>
            <td className="muted" data-testid="task-queue">
              {t.queue}
            </td>
            <td>{t.queued}</td>
            <td>{t.running}</td>
            <td>{t.total}</td>
            <td data-testid="task-waiting">{t.waiting}</td>
            <td>{t.lastRunAt ? new Date(t.lastRunAt).toLocaleString() : ""}</td>
            <td className={t.served ? "" : "muted"}>{t.served ? "connected" : "none"}</td>
          </tr>
        ))}
        {tasks.length === 0 && (
          <tr>
            <td colSpan={8} className="muted">
              No tasks yet: start `stint dev` with this environment's key.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export default function TasksPage() {
  return <Shell title="Tasks and queues">{(context) => <Tasks {...context} />}</Shell>;
}
