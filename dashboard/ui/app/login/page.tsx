"use client";
import { useEffect, useState, type FormEvent } from "react";
import { uiApi } from "../lib/api";

export default function LoginPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [github, setGithub] = useState(false);

  useEffect(() => {
    uiApi<{ github: boolean }>("/auth/providers").then(
      (p) => setGithub(p.github),
      () => undefined,
    );
    const query = new URLSearchParams(window.location.search);
    const problem = query.get("error");
    if (problem === "no-account")
      setError(
        `No Stint account uses ${query.get("email") ?? "that email"}: ask an admin of your organisation for an invite.`,
      );
    else if (problem === "github") setError("GitHub login failed; the webapp's log says why.");
    else if (problem === "expired") setError("That login link has expired or was used already.");
  }, []);

  const login = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await uiApi("/login", { body: { email, password } });
      window.location.href = "/runs";
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const magicLink = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await uiApi("/login/magic", { body: { email } });
      setMessage("If that account exists, a login link is on its way (without a mail server: in the webapp's log).");
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ maxWidth: 380, marginTop: 80 }}>
      <h1>Log in to Stint</h1>
      <form className="card" onSubmit={login}>
        <p>
          <label>
            Email
            <br />
            <input
              name="email"
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              style={{ width: "100%" }}
            />
          </label>
        </p>
        <p>
          <label>
            Password
            <br />
            <input
              name="password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              style={{ width: "100%" }}
            />
          </label>
        </p>
        <div className="row">
          <button type="submit" disabled={busy}>
            {busy ? <span className="spinner" /> : null} Log in
          </button>
          <button type="button" className="secondary" disabled={busy || !email} onClick={magicLink}>
            Email me a link
          </button>
        </div>
        {error && <p className="error">{error}</p>}
        {message && <p className="muted">{message}</p>}
      </form>
      {github && (
        <p>
          <a className="button secondary" href="/ui-api/auth/github">
            Continue with GitHub
          </a>
        </p>
      )}
    </main>
  );
}
