"use client";
/** Deployments of the environment (`stint deploy`): version, tasks, status, who, when; promote an earlier version. */
import { useCallback, useEffect, useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

interface Deployment {
  id: string;
  version: string;
  shortCode: string;
  status: "PENDING" | "DEPLOYED" | "FAILED";
  tasks: string[];
  createdBy: string;
  createdAt: string;
  deployedAt: string | null;
  error?: string;
  isCurrent: boolean;
}

interface Listing {
  deployable: boolean;
  current?: { deploymentId: string; promotedBy: string; since: string };
  deployments: Deployment[];
}

const STATUS_CLASS: Record<Deployment["status"], string> = {
  PENDING: "WAITING",
  DEPLOYED: "COMPLETED",
  FAILED: "FAILED",
};

function Deployments({ environment }: ShellContext) {
  const [listing, setListing] = useState<Listing>();
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      uiApi<Listing>(`/environments/${environment.id}/deployments`).then(setListing, (e: Error) => setError(e.message)),
    [environment.id],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5_000);
    return () => clearInterval(timer);
  }, [load]);

  const promote = async (d: Deployment) => {
    if (
      !window.confirm(
        `Make version ${d.version} current? New runs start on it; runs already started keep their version.`,
      )
    )
      return;
    setBusy(d.id);
    setError(undefined);
    try {
      await uiApi(`/environments/${environment.id}/deployments/${d.version}/promote`, { body: {} });
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  if (!listing)
    return error ? (
      <p className="error">{error}</p>
    ) : (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  if (!listing.deployable) {
    return (
      <p className="muted">
        Development runs on <code>stint dev</code>: choose a staging or production environment to see its deployments.
      </p>
    );
  }
  const current = listing.deployments.find((d) => d.isCurrent);
  return (
    <>
      <p className="muted" data-testid="current-deployment">
        {current ? (
          <>
            Current version: <strong>{current.version}</strong> (made current by {listing.current?.promotedBy})
          </>
        ) : (
          <>
            No version deployed yet: run <code>npx stint deploy</code>.
          </>
        )}
      </p>
      <table>
        <thead>
          <tr>
            <th>Version</th>
            <th>Status</th>
            <th>Tasks</th>
            <th>Deployed by</th>
            <th>When</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {listing.deployments.map((d) => (
            <tr key={d.id} data-version={d.version}>
              <td>
                <strong>{d.version}</strong> <span className="muted">{d.shortCode}</span>
                {d.isCurrent && (
                  <>
                    {" "}
                    <span className="status COMPLETED" data-testid="current-badge">
                      current
                    </span>
                  </>
                )}
              </td>
              <td>
                <span className={`status ${STATUS_CLASS[d.status]}`}>{d.status}</span>
                {d.error && <div className="error">{d.error}</div>}
              </td>
              <td>{d.tasks.length > 0 ? d.tasks.join(", ") : <span className="muted">—</span>}</td>
              <td>{d.createdBy}</td>
              <td title={d.createdAt}>{new Date(d.deployedAt ?? d.createdAt).toLocaleString()}</td>
              <td>
                {d.status === "DEPLOYED" && !d.isCurrent && (
                  <button className="secondary" onClick={() => promote(d)} disabled={busy === d.id}>
                    {busy === d.id && <span className="spinner" />} Promote
                  </button>
                )}
              </td>
            </tr>
          ))}
          {listing.deployments.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No deployments yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {error && <p className="error">{error}</p>}
    </>
  );
}

export default function DeploymentsPage() {
  return <Shell title="Deployments">{(context) => <Deployments {...context} />}</Shell>;
}
