"use client";
/** Trigger a task with a JSON payload (a test run), then follow it on its run page. */
import { useEffect, useRef, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

function TestForm({ environment }: ShellContext) {
  const [tasks, setTasks] = useState<string[]>();
  const [task, setTask] = useState("");
  const [payload, setPayload] = useState('{\n  "name": "Ada"\n}');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const taskInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    uiApi<{ tasks: string[] }>(`/environments/${environment.id}/tasks`)
      .then((r) => {
        setTasks(r.tasks);
        // Prefill only a field the user is not typing in: text typed as the list lands must not be merged into it.
        if (document.activeElement !== taskInput.current) setTask((current) => current || r.tasks[0] || "");
      })
      .catch((e: Error) => setError(e.message));
  }, [environment.id]);

  const trigger = async () => {
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      setError("Payload: not valid JSON");
      return;
    }
    setBusy(true);
    try {
      const { id } = await uiApi<{ id: string }>(
        `/environments/${environment.id}/tasks/${encodeURIComponent(task)}/trigger`,
        { body: { payload: parsed } },
      );
      window.location.href = `/runs/${id}?env=${environment.id}`;
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <div className="card">
      <p>
        <label>
          Task
          <br />
          <input
            ref={taskInput}
            aria-label="Task id"
            list="known-tasks"
            value={task}
            onChange={(e) => setTask(e.target.value)}
            placeholder="task id"
          />
          <datalist id="known-tasks">
            {tasks?.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        {!tasks && !error && <span className="spinner" data-testid="tasks-loading" />}
      </p>
      <p>
        <label>
          Payload (JSON)
          <textarea aria-label="Payload" value={payload} onChange={(e) => setPayload(e.target.value)} />
        </label>
      </p>
      <button onClick={trigger} disabled={busy || !task}>
        {busy && <span className="spinner" />} Run test
      </button>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

export default function TestPage() {
  return <Shell title="Test a task">{(context) => <TestForm {...context} />}</Shell>;
}
