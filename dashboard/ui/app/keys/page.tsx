"use client";
/** API keys of the current project's environments: hints only; a rotated key is shown once. */
import { useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

function Keys({ me, environment }: ShellContext) {
  const project = me.organizations.flatMap((o) => o.projects).find((p) => p.environments.some((e) => e.id === environment.id))!;
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const rotate = async (envId: string) => {
    if (!window.confirm("Rotate this key? The current key stops working at once.")) return;
    setBusy(envId);
    setError(undefined);
    try {
      const { secretKey } = await uiApi<{ secretKey: string }>(`/environments/${envId}/keys/rotate`, { body: {} });
      setRevealed({ ...revealed, [envId]: secretKey });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="card">
      <p className="muted">
        Project {project.name} · ref <span className="key">{project.ref}</span>. Secret keys are stored hashed: they are shown once, when created or rotated.
      </p>
      <table>
        <thead>
          <tr>
            <th>Environment</th>
            <th>Secret key</th>
            <th>Rotated</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {project.environments.map((env) => (
            <tr key={env.id}>
              <td>{env.type}</td>
              <td>
                {revealed[env.id] ? (
                  <span className="key" data-testid="revealed-key">{revealed[env.id]}</span>
                ) : (
                  <span className="key">tr_{env.slug}_…{env.secretKeyHint}</span>
                )}
              </td>
              <td>{new Date(env.secretKeyRotatedAt).toLocaleString()}</td>
              <td>
                <button className="secondary" onClick={() => rotate(env.id)} disabled={!!busy}>
                  {busy === env.id && <span className="spinner" />} Rotate
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

export default function KeysPage() {
  return <Shell title="API keys">{(context) => <Keys {...context} />}</Shell>;
}
