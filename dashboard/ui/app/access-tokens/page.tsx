"use client";
/** The user's personal access tokens (`tr_pat_…`) for the CLI: create (shown once), list by hint, revoke. */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Shell } from "../lib/shell";
import { uiApi } from "../lib/api";

interface AccessToken {
  id: string;
  name: string;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}

function AccessTokens() {
  const [tokens, setTokens] = useState<AccessToken[]>();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const load = useCallback(
    () =>
      uiApi<{ tokens: AccessToken[] }>("/access-tokens").then(
        (r) => setTokens(r.tokens),
        (e: Error) => setError(e.message),
      ),
    [],
  );
  useEffect(() => void load(), [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setCreated((await uiApi<{ token: string }>("/access-tokens", { body: { name } })).token);
      setName("");
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    if (!window.confirm("Revoke this token? The CLI using it stops working at once.")) return;
    await uiApi(`/access-tokens/${id}/revoke`, { body: {} }).catch((e: Error) => setError(e.message));
    await load();
  };

  return (
    <>
      <div className="card">
        <p className="muted">
          A personal access token lets <span className="key">stint dev</span> act for you: it finds the project its
          trigger.config.ts names in your organisation (or creates it) and runs as a session of its development
          environment. Set it as <span className="key">TRIGGER_ACCESS_TOKEN</span> with{" "}
          <span className="key">TRIGGER_API_URL</span>.
        </p>
        <form className="row" onSubmit={create}>
          <input
            aria-label="Token name"
            placeholder="What is it for? (my laptop)"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <button disabled={busy}>{busy && <span className="spinner" />} Create token</button>
        </form>
        {created && (
          <p>
            New token (shown once):{" "}
            <span className="key" data-testid="created-access-token">
              {created}
            </span>
          </p>
        )}
        {error && <p className="error">{error}</p>}
      </div>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Token</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens?.map((token) => (
            <tr key={token.id}>
              <td>{token.name}</td>
              <td>
                <span className="key">{token.hint}</span>
              </td>
              <td>{new Date(token.createdAt).toLocaleString()}</td>
              <td>{token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : "never"}</td>
              <td>
                <button className="secondary" onClick={() => revoke(token.id)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
          {tokens?.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No tokens yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}

export default function AccessTokensPage() {
  return <Shell title="Access tokens">{() => <AccessTokens />}</Shell>;
}
