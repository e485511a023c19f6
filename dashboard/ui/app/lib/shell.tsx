"use client";
/** Page frame: navigation, the organisation/project/environment switcher, and the session it loads. */
import { useEffect, useState, type ReactNode } from "react";
import { uiApi, type Environment, type Me } from "./api";

const ENV_KEY = "stint.environment";

export interface ShellContext {
  me: Me;
  environment: Environment;
  projectName: string;
}

export function Shell({ title, children }: { title: string; children: (context: ShellContext) => ReactNode }) {
  const [me, setMe] = useState<Me>();
  const [envId, setEnvId] = useState<string>();
  const [error, setError] = useState<string>();
  const [temporal, setTemporal] = useState<{ address: string; reachable: boolean; unreachableSince?: string }>();

  useEffect(() => {
    uiApi<Me>("/me")
      .then((loaded) => {
        setMe(loaded);
        const all = loaded.organizations.flatMap((o) => o.projects.flatMap((p) => p.environments));
        const fromUrl = new URLSearchParams(window.location.search).get("env");
        const saved = fromUrl ?? window.localStorage.getItem(ENV_KEY);
        setEnvId(all.find((e) => e.id === saved)?.id ?? all.find((e) => e.type === "DEVELOPMENT")?.id ?? all[0]?.id);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  // Every page says when the webapp cannot reach Temporal: runs are accepted but start only when it is back.
  useEffect(() => {
    const load = () =>
      uiApi<{ temporal: NonNullable<typeof temporal> }>("/engine-status").then(
        (r) => setTemporal(r.temporal),
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);

  const choose = (id: string) => {
    window.localStorage.setItem(ENV_KEY, id);
    setEnvId(id);
  };

  const projects = me?.organizations.flatMap((o) => o.projects.map((p) => ({ org: o, project: p }))) ?? [];
  const current = projects
    .flatMap(({ project }) => project.environments.map((environment) => ({ project, environment })))
    .find((x) => x.environment.id === envId);

  return (
    <>
      <header className="top">
        <strong>Stint</strong>
        <nav>
          <a href="/runs">Runs</a>
          <a href="/tasks">Tasks</a>
          <a href="/queues">Queues</a>
          <a href="/schedules">Schedules</a>
          <a href="/deployments">Deployments</a>
          <a href="/test">Test</a>
          <a href="/keys">API keys</a>
          <a href="/access-tokens">Access tokens</a>
          <a href="/workers">Workers</a>
          <a href="/members">Members</a>
        </nav>
        <span className="spacer" />
        {me && (
          <select aria-label="Environment" value={envId} onChange={(e) => choose(e.target.value)}>
            {projects.map(({ org, project }) => (
              <optgroup key={project.id} label={`${org.title} / ${project.name} (${project.ref})`}>
                {project.environments.map((env) => (
                  <option key={env.id} value={env.id}>
                    {project.name} · {env.type.toLowerCase()}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        )}
        {me && (
          <button
            className="secondary"
            onClick={() => uiApi("/logout", { method: "POST" }).then(() => (window.location.href = "/login"))}
          >
            Log out {me.user.email}
          </button>
        )}
      </header>
      <main>
        <h1>{title}</h1>
        {temporal && !temporal.reachable && (
          <p className="error" role="alert">
            The run engine (Temporal at {temporal.address}) is unreachable
            {temporal.unreachableSince ? ` since ${new Date(temporal.unreachableSince).toLocaleTimeString()}` : ""}:
            triggered runs are accepted and start when it is back; run details answer 503 until then.
          </p>
        )}
        {error && <p className="error">{error}</p>}
        {!me && !error && (
          <p>
            <span className="spinner" /> Loading…
          </p>
        )}
        {me && current && children({ me, environment: current.environment, projectName: current.project.name })}
        {me && !current && <p className="muted">You are not a member of any project yet.</p>}
      </main>
    </>
  );
}
