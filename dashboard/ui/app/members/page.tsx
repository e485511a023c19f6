"use client";
/** Members of the current organisation and pending invites; admins invite (the link is shown once) and remove. */
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Shell, type ShellContext } from "../lib/shell";
import { uiApi } from "../lib/api";

interface MembersView {
  role: string;
  members: { id: string; email: string; name: string | null; role: string }[];
  invites: { id: string; email: string; role: string; expiresAt: string }[];
}

function Members({ me, environment }: ShellContext) {
  const org = me.organizations.find((o) =>
    o.projects.some((p) => p.environments.some((e) => e.id === environment.id)),
  )!;
  const [view, setView] = useState<MembersView>();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("MEMBER");
  const [link, setLink] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const load = useCallback(
    () => uiApi<MembersView>(`/organizations/${org.id}/members`).then(setView, (e: Error) => setError(e.message)),
    [org.id],
  );
  useEffect(() => void load(), [load]);

  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setLink(
        (await uiApi<{ inviteUrl: string }>(`/organizations/${org.id}/invites`, { body: { email, role } })).inviteUrl,
      );
      setEmail("");
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (memberId: string) => {
    if (!window.confirm("Remove this member?")) return;
    await uiApi(`/organizations/${org.id}/members/${memberId}/remove`, { body: {} }).catch((e: Error) =>
      setError(e.message),
    );
    await load();
  };

  if (!view)
    return error ? (
      <p className="error">{error}</p>
    ) : (
      <p>
        <span className="spinner" /> Loading…
      </p>
    );
  const admin = view.role === "ADMIN";
  return (
    <>
      <div className="card">
        <h2>{org.title}</h2>
        <table>
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {view.members.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.name ? `${m.name} · ` : ""}
                  {m.email}
                </td>
                <td>{m.role}</td>
                <td>
                  {admin && m.email !== me.user.email && (
                    <button className="secondary" onClick={() => remove(m.id)}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {view.invites.map((i) => (
              <tr key={i.id} className="muted">
                <td>{i.email} (invited)</td>
                <td>{i.role}</td>
                <td>expires {new Date(i.expiresAt).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin && (
        <form className="card row" onSubmit={invite}>
          <input
            aria-label="Invite email"
            type="email"
            placeholder="teammate@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="MEMBER">Member</option>
            <option value="ADMIN">Admin</option>
          </select>
          <button type="submit" disabled={busy}>
            {busy && <span className="spinner" />} Invite
          </button>
          {link && (
            <span>
              Send them this link (shown once):{" "}
              <span className="key" data-testid="invite-link">
                {link}
              </span>
            </span>
          )}
        </form>
      )}
      {error && <p className="error">{error}</p>}
    </>
  );
}

export default function MembersPage() {
  return <Shell title="Members">{(context) => <Members {...context} />}</Shell>;
}
