"use client";
/** Accepting an invite: as the logged-in user, or by creating an account for the invited email. */
import { useEffect, useState, type FormEvent } from "react";
import { uiApi } from "../../lib/api";
import { useLastPathSegment } from "../../lib/path-segment";

interface Invite {
  email: string;
  organization: string;
  role: string;
  loggedInAs?: string;
}

export default function InvitePage() {
  const token = useLastPathSegment();
  const [invite, setInvite] = useState<Invite>();
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!token) return;
    uiApi<Invite>(`/invites/${token}`).then(setInvite, (e: Error) => setError(e.message));
  }, [token]);

  const accept = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await uiApi(`/invites/${token}/accept`, { body: invite?.loggedInAs ? {} : { password, name } });
      window.location.href = "/runs";
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <main style={{ maxWidth: 420, marginTop: 80 }}>
      <h1>Join {invite?.organization ?? "…"}</h1>
      {!invite && !error && (
        <p>
          <span className="spinner" /> Loading invite…
        </p>
      )}
      {invite && (
        <form className="card" onSubmit={accept}>
          <p>
            Invited: <strong>{invite.email}</strong> as {invite.role.toLowerCase()}.
          </p>
          {invite.loggedInAs ? (
            <p className="muted">You will join as {invite.loggedInAs}.</p>
          ) : (
            <>
              <p>
                <label>
                  Your name
                  <br />
                  <input
                    aria-label="Name"
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                    style={{ width: "100%" }}
                  />
                </label>
              </p>
              <p>
                <label>
                  Choose a password
                  <br />
                  <input
                    aria-label="New password"
                    type="password"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                    minLength={8}
                    required
                    style={{ width: "100%" }}
                  />
                </label>
              </p>
            </>
          )}
          <button type="submit" disabled={busy}>
            {busy && <span className="spinner" />} Accept invite
          </button>
        </form>
      )}
      {error && <p className="error">{error}</p>}
    </main>
  );
}
