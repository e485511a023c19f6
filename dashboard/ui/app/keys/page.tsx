"use client";
/** API keys of the current project's environments: hints until revealed (as Trigger.dev shows them); rotate issues a new one. */
import { useState } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

function Keys({ me, environment }: ShellContext) {
  const project = me.organizations
    .flatMap((o) => o.projects)
    .find((p) => p.environments.some((e) => e.id === environment.id))!;
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  /** Rotation times changed on this page (the shell's project list was read before). */
  const [rotatedAt, setRotatedAt] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  const act = async (envId: string, action: () => Promise<void>) => {
    setBusy(envId);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };
  const rotate = (envId: string) => {
    if (!window.confirm("Rotate this key? The current key stops working at once.")) return;
    void act(envId, async () => {
      const rotated = await uiApi<{ secretKey: string; rotatedAt: string }>(`/environments/${envId}/keys/rotate`, {
        body: {},
      });
      setRevealed((keys) => ({ ...keys, [envId]: rotated.secretKey }));
      setRotatedAt((times) => ({ ...times, [envId]: rotated.rotatedAt }));
    });
  };
  const reveal = (envId: string) =>
    act(envId, async () => {
      const { secretKey } = await uiApi<{ secretKey: string }>(`/environments/${envId}/keys/reveal`, { body: {} });
      setRevealed((keys) => ({ ...keys, [envId]: secretKey }));
    });

  return (
    <div className="card">
      <p className="muted">
        Project {project.name} · ref <span className="key">{project.ref}</span>. Secret keys give full access to their
        environment: reveal one only to copy it. Rotate a key that leaked: the old one stops working at once.
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
            <tr key={env.id} data-environment={env.type}>
              <td>{env.type}</td>
              <td>
                {revealed[env.id] ? (
                  <span className="key" data-testid="revealed-key">
                    {revealed[env.id]}
                  </span>
                ) : (
                  <span className="key">
                    tr_{env.slug}_…{env.secretKeyHint}
                  </span>
                )}
              </td>
              <td data-testid="key-rotated-at">
                {new Date(rotatedAt[env.id] ?? env.secretKeyRotatedAt).toLocaleString()}
              </td>
              <td>
                {!revealed[env.id] && (
                  <button className="secondary" onClick={() => void reveal(env.id)} disabled={!!busy}>
                    Reveal
                  </button>
                )}{" "}
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
