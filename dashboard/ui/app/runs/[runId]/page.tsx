"use client";
/**
 * One run: status timeline, attempts, waitpoints, realtime streams, logs, payload and output, metadata, tags; cancel,
 * replay, reschedule.
 */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../../lib/shell";
import { useLastPathSegment } from "../../lib/path-segment";
import type { WaitpointView as Waitpoint } from "@stint/sdk/runtime";
import { isFinalStatus, uiApi, type RunRecord } from "../../lib/api";

interface Attempt {
  number: number;
  status: string;
  startedAt?: string;
  finishedAt?: string;
  error?: { message: string };
}
const LOG_LEVELS = ["debug", "log", "info", "warn", "error"] as const;
interface LogLine {
  level?: string;
  message: string;
  attributes?: Record<string, unknown>;
  time: string;
}
interface RunStream {
  key: string;
  completed: boolean;
  chunks: unknown[];
  more: boolean;
}
interface RunDetail {
  run: RunRecord;
  attempts: Attempt[];
  waitpoints: Waitpoint[];
  streams: RunStream[];
  temporalUrl?: string;
  /** Payload and output kept in the object store (over 128 KB): their size and a download link instead of the value. */
  stored: { payload?: StoredValue; output?: StoredValue };
}
interface StoredValue {
  size?: number;
  url: string;
}

/** A value, or where to download it when it is too large to show. */
function ValueView({ value, stored, testId }: { value: unknown; stored?: StoredValue; testId?: string }) {
  if (stored) {
    const size = stored.size === undefined ? "" : ` (${(stored.size / 1024 / 1024).toFixed(1)} MB)`;
    return (
      <p data-testid={testId}>
        Stored in the object store{size}: <a href={stored.url}>download</a>
      </p>
    );
  }
  return <pre data-testid={testId}>{JSON.stringify(value, null, 2) ?? ""}</pre>;
}

/** Text chunks (tokens) read best joined; anything else one JSON value per line. */
const streamText = (chunks: unknown[]) =>
  chunks.every((chunk) => typeof chunk === "string")
    ? chunks.join("")
    : chunks.map((chunk) => JSON.stringify(chunk)).join("\n");

function RunView({ environment, runId }: ShellContext & { runId: string }) {
  const [detail, setDetail] = useState<RunDetail>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [delay, setDelay] = useState("1m");
  const [logs, setLogs] = useState<LogLine[]>([]);
  const [logLevel, setLogLevel] = useState("");

  const load = useCallback(async () => {
    try {
      setDetail(await uiApi<RunDetail>(`/environments/${environment.id}/runs/${runId}`));
      const query = logLevel ? `?level=${logLevel}` : "";
      setLogs((await uiApi<{ logs: LogLine[] }>(`/environments/${environment.id}/runs/${runId}/logs${query}`)).logs);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [environment.id, runId, logLevel]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 1000);
    return () => clearInterval(timer);
  }, [load]);

  const act = async (action: "cancel" | "replay" | "reschedule") => {
    setBusy(action);
    setError(undefined);
    try {
      const result = await uiApi<{ id: string }>(`/environments/${environment.id}/runs/${runId}/${action}`, {
        body: action === "reschedule" ? { delay } : {},
      });
      if (action === "replay") window.location.href = `/runs/${result.id}?env=${environment.id}`;
      else await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  if (!detail)
    return error ? (
      <p className="error">{error}</p>
    ) : (
      <p>
        <span className="spinner" /> Loading run…
      </p>
    );
  const { run } = detail;
  const finished = isFinalStatus(run.status);
  return (
    <>
      <div className="card">
        <div className="row">
          <strong>{run.id}</strong>
          <span className={`status ${run.status}`} data-testid="run-status">
            {run.status}
          </span>
          <span className="muted">{run.taskIdentifier}</span>
          <span className="spacer" style={{ flex: 1 }} />
          {!finished && (
            <button onClick={() => act("cancel")} disabled={!!busy}>
              {busy === "cancel" && <span className="spinner" />} Cancel
            </button>
          )}
          {finished && (
            <button onClick={() => act("replay")} disabled={!!busy}>
              {busy === "replay" && <span className="spinner" />} Replay
            </button>
          )}
          {run.status === "DELAYED" && (
            <>
              <input aria-label="Delay" value={delay} onChange={(e) => setDelay(e.target.value)} size={6} />
              <button className="secondary" onClick={() => act("reschedule")} disabled={!!busy}>
                Reschedule
              </button>
            </>
          )}
          {detail.temporalUrl && (
            <a href={detail.temporalUrl} target="_blank" rel="noreferrer">
              Open in Temporal UI
            </a>
          )}
        </div>
        {error && <p className="error">{error}</p>}
        {run.status === "QUEUED" && run.statusReason && (
          <p className="warning" data-testid="run-status-reason">
            Why it is waiting: {run.statusReason}
          </p>
        )}
        <h2>Timeline</h2>
        <ul>
          <li>Created {new Date(run.createdAt).toLocaleString()}</li>
          {run.delayedUntil && <li>Delayed until {new Date(run.delayedUntil).toLocaleString()}</li>}
          {run.startedAt && <li>Started {new Date(run.startedAt).toLocaleString()}</li>}
          {run.finishedAt && (
            <li>
              Finished {new Date(run.finishedAt).toLocaleString()} ({run.durationMs} ms of compute)
            </li>
          )}
        </ul>
        <p className="muted">
          Tags: {run.tags.join(", ") || "none"}
          {run.parentRunId && (
            <>
              {" "}
              · parent <a href={`/runs/${run.parentRunId}?env=${environment.id}`}>{run.parentRunId}</a>
            </>
          )}
          {run.batchId && <> · batch {run.batchId}</>}
          {run.version && (
            <>
              {" "}
              · version <span data-testid="run-version">{run.version}</span>
            </>
          )}
        </p>
      </div>
      <div className="card">
        <h2>Attempts</h2>
        <table>
          <tbody>
            {detail.attempts.map((a) => (
              <tr key={a.number} data-attempt={a.number}>
                <td>#{a.number}</td>
                <td>
                  <span className={`status ${a.status}`} data-testid="attempt-status">
                    {a.status}
                  </span>
                </td>
                <td>{a.startedAt && new Date(a.startedAt).toLocaleTimeString()}</td>
                <td className="error">{a.error?.message}</td>
              </tr>
            ))}
            {detail.attempts.length === 0 && (
              <tr>
                <td className="muted">No attempt yet.</td>
              </tr>
            )}
          </tbody>
        </table>
        <h2>Waitpoints</h2>
        <table>
          <tbody>
            {detail.waitpoints.map((w) => (
              <tr key={w.seq} data-waitpoint={w.seq}>
                <td>#{w.seq}</td>
                <td>{w.type}</td>
                <td>
                  {w.runIds.map((id) => (
                    <a key={id} href={`/runs/${id}?env=${environment.id}`} data-testid="waitpoint-run">
                      {id}{" "}
                    </a>
                  ))}
                  {w.tokenId && (
                    <span className="key" data-testid="waitpoint-token">
                      {w.tokenId}
                    </span>
                  )}
                  {w.batchId && <span className="muted"> batch {w.batchId}</span>}
                  {w.until && <span className="muted">until {new Date(w.until).toLocaleString()}</span>}
                </td>
                <td>
                  {w.done
                    ? `completed ${w.completedAt ? new Date(w.completedAt).toLocaleTimeString() : ""}`
                    : "waiting"}
                </td>
                <td className="muted">since {new Date(w.createdAt).toLocaleTimeString()}</td>
              </tr>
            ))}
            {detail.waitpoints.length === 0 && (
              <tr>
                <td className="muted">None.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {detail.streams.length > 0 && (
        <div className="card">
          <h2>Streams</h2>
          {detail.streams.map((stream) => (
            <div key={stream.key} data-stream={stream.key}>
              <h3>
                {stream.key}{" "}
                <span className="muted">
                  {stream.completed ? "complete" : "streaming…"}
                  {stream.more ? " · first chunks only" : ""}
                </span>
              </h3>
              <pre data-testid="stream-text">{streamText(stream.chunks)}</pre>
            </div>
          ))}
        </div>
      )}
      <div className="card">
        <div className="row">
          <h2>Logs</h2>
          <select aria-label="Log level" value={logLevel} onChange={(e) => setLogLevel(e.target.value)}>
            <option value="">All levels</option>
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level}
              </option>
            ))}
          </select>
        </div>
        <table data-testid="run-logs">
          <tbody>
            {logs.map((line, i) => (
              <tr key={i} data-log-level={line.level}>
                <td className="muted">{new Date(line.time).toLocaleTimeString()}</td>
                <td>{line.level?.toUpperCase()}</td>
                <td>{line.message}</td>
                <td className="muted">{line.attributes ? JSON.stringify(line.attributes) : ""}</td>
              </tr>
            ))}
            {logs.length === 0 && (
              <tr>
                <td className="muted">{logLevel ? `No ${logLevel} logs.` : "No logs."}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="card">
        <h2>Payload</h2>
        <ValueView value={run.payload} stored={detail.stored?.payload} />
        <h2>{run.error ? "Error" : "Output"}</h2>
        {run.error ? (
          <pre data-testid="run-output">{`${run.error.name}: ${run.error.message}\n${run.error.stack ?? ""}`}</pre>
        ) : !finished ? (
          <p className="muted" data-testid="run-output-pending">
            No output yet: the run is {run.status}.
          </p>
        ) : (
          <ValueView value={run.output} stored={detail.stored?.output} testId="run-output" />
        )}
        <h2>Metadata</h2>
        <pre>{JSON.stringify(run.metadata, null, 2)}</pre>
      </div>
    </>
  );
}

export default function RunPage() {
  const runId = useLastPathSegment();
  return <Shell title="Run">{(context) => (runId ? <RunView {...context} runId={runId} /> : null)}</Shell>;
}
