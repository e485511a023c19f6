"use client";
/**
 * Queues of the environment: running and queued runs against the limit (live), pause/resume, limit override, rate
 * limits and per-key limit, each queue's share per concurrency key; the environment's and organisation's limits.
 */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import type { QueueItemWire as Queue, RateLimitWire } from "@stint/sdk/runtime";
import { uiApi } from "../lib/api";

interface Scheduling {
  environment: { concurrencyLimit: number; burstFactor: number; maxRunning: number; weight: number };
  organization: { id: string; slug: string; concurrencyLimit: number | null; weight: number };
  canEditOrganization: boolean;
}

const rateText = (rate: RateLimitWire | null | undefined) =>
  rate ? `${rate.limit} / ${rate.period}${rate.burst && rate.burst > 1 ? ` (burst ${rate.burst})` : ""}` : "";

/** "10/1m" or "10/1m burst 3" → a rate limit; "" → null (removed); anything else → undefined (cancelled). */
function parseRate(answer: string | null): RateLimitWire | null | undefined {
  if (answer === null) return undefined;
  if (answer.trim() === "") return null;
  const match = /^\s*(\d+)\s*\/\s*(\S+?)\s*(?:burst\s*(\d+))?\s*$/.exec(answer);
  if (!match) throw new Error(`"${answer}" is not a rate limit: write e.g. 10/1m or 10/1m burst 3`);
  return { limit: Number(match[1]), period: match[2]!, ...(match[3] ? { burst: Number(match[3]) } : {}) };
}

function EnvironmentLimits({ environmentId }: { environmentId: string }) {
  const [scheduling, setScheduling] = useState<Scheduling>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      uiApi<Scheduling>(`/environments/${environmentId}/scheduling`).then(setScheduling, (e: Error) =>
        setError(e.message),
      ),
    [environmentId],
  );
  useEffect(() => void load(), [load]);
  const change = async (path: string, body: Record<string, unknown>) => {
    setError(undefined);
    try {
      await uiApi(`/environments/${environmentId}/${path}`, { body });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const editEnvironment = () => {
    const env = scheduling!.environment;
    const answer = window.prompt(
      "Environment: concurrency limit, burst factor, weight (e.g. 25, 2, 1)",
      `${env.concurrencyLimit}, ${env.burstFactor}, ${env.weight}`,
    );
    if (answer === null) return;
    const [concurrencyLimit, burstFactor, weight] = answer.split(",").map((part) => Number(part.trim()));
    void change("scheduling", { concurrencyLimit, burstFactor, weight });
  };
  const editOrganization = () => {
    const org = scheduling!.organization;
    const answer = window.prompt(
      "Organisation: concurrency limit (empty for none), weight (e.g. 100, 1)",
      `${org.concurrencyLimit ?? ""}, ${org.weight}`,
    );
    if (answer === null) return;
    const [limit, weight] = answer.split(",").map((part) => part.trim());
    void change("organization-scheduling", {
      concurrencyLimit: limit ? Number(limit) : null,
      weight: Number(weight),
    });
  };
  if (!scheduling) return error ? <p className="error">{error}</p> : null;
  const { environment: env, organization: org } = scheduling;
  return (
    <p data-testid="environment-limits">
      Environment: up to <strong>{env.maxRunning}</strong> running ({env.concurrencyLimit} × burst {env.burstFactor}),
      weight {env.weight}{" "}
      <button className="secondary" onClick={editEnvironment}>
        Edit…
      </button>
      {" · "}Organisation {org.slug}: limit {org.concurrencyLimit ?? "none"}, weight {org.weight}{" "}
      {scheduling.canEditOrganization && (
        <button className="secondary" onClick={editOrganization}>
          Edit…
        </button>
      )}
      {error && <span className="error"> {error}</span>}
    </p>
  );
}

function Queues({ environment }: ShellContext) {
  const [queues, setQueues] = useState<Queue[]>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      uiApi<{ data: Queue[] }>(`/environments/${environment.id}/queues`).then(
        (r) => setQueues(r.data),
        (e: Error) => setError(e.message),
      ),
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
    const answer = window.prompt(
      `Concurrency limit for ${q.name} (empty to go back to ${q.concurrency.base ?? "the environment's"})`,
      String(q.concurrencyLimit ?? ""),
    );
    if (answer === null) return;
    void act(q, "limit", { concurrencyLimit: answer.trim() === "" ? null : Number(answer) });
  };

  const settings = (q: Queue) => {
    const current = q.scheduling;
    try {
      const rateLimit = parseRate(
        window.prompt(
          `Rate limit for ${q.name}: runs per period, e.g. 10/1m (empty for none)`,
          rateText(current?.rateLimit).replace(" / ", "/"),
        ),
      );
      if (rateLimit === undefined) return;
      const rateLimitPerKey = parseRate(
        window.prompt(
          `Rate limit per concurrency key, e.g. 1/1s (empty for none)`,
          rateText(current?.rateLimitPerKey).replace(" / ", "/"),
        ),
      );
      if (rateLimitPerKey === undefined) return;
      const perKey = window.prompt(
        "Limit per concurrency key (empty: each key gets the queue's limit)",
        String(current?.concurrencyLimitPerKey ?? ""),
      );
      if (perKey === null) return;
      void act(q, "settings", {
        rateLimit,
        rateLimitPerKey,
        concurrencyLimitPerKey: perKey.trim() === "" ? null : Number(perKey),
      });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (!queues)
    return error ? (
      <p className="error">{error}</p>
    ) : (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  return (
    <>
      <EnvironmentLimits environmentId={environment.id} />
      <table>
        <thead>
          <tr>
            <th>Queue</th>
            <th>Type</th>
            <th>Running</th>
            <th>Queued</th>
            <th>Limit</th>
            <th>Rate limit</th>
            <th>Share per key</th>
            <th>Status</th>
            <th />
          </tr>
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
                {q.concurrency.override !== null && (
                  <span className="muted"> (override; code says {q.concurrency.base ?? "none"})</span>
                )}
              </td>
              <td data-testid="queue-rate-limit">
                {rateText(q.scheduling?.rateLimit) || "—"}
                {q.scheduling?.rateLimitPerKey && (
                  <span className="muted"> per key {rateText(q.scheduling.rateLimitPerKey)}</span>
                )}
              </td>
              <td data-testid="queue-keys">
                {q.scheduling?.concurrencyLimitPerKey != null && (
                  <div className="muted">{q.scheduling.concurrencyLimitPerKey} per key</div>
                )}
                {(q.scheduling?.keys ?? [])
                  .filter((k) => k.concurrencyKey !== "")
                  .slice(0, 5)
                  .map((k) => (
                    <div key={k.concurrencyKey}>
                      {k.concurrencyKey}: {k.running} running, {k.waiting} waiting
                    </div>
                  ))}
              </td>
              <td data-testid="queue-status">{q.paused ? "paused" : "active"}</td>
              <td>
                <button
                  className="secondary"
                  onClick={() => act(q, q.paused ? "resume" : "pause")}
                  disabled={busy === q.id}
                >
                  {busy === q.id && <span className="spinner" />} {q.paused ? "Resume" : "Pause"}
                </button>{" "}
                <button className="secondary" onClick={() => override(q)} disabled={busy === q.id}>
                  Limit…
                </button>{" "}
                <button className="secondary" onClick={() => settings(q)} disabled={busy === q.id}>
                  Rate…
                </button>
              </td>
            </tr>
          ))}
          {queues.length === 0 && (
            <tr>
              <td colSpan={9} className="muted">
                No queues yet: they appear when a worker (stint dev) registers its tasks.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {error && <p className="error">{error}</p>}
    </>
  );
}

export default function QueuesPage() {
  return <Shell title="Queues">{(context) => <Queues {...context} />}</Shell>;
}
