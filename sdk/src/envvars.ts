/**
 * `envvars.*` through the webapp's REST API. Inside a task the project and environment default to the run's own, as
 * in Trigger.dev; elsewhere pass them first (`envvars.list("proj_…", "dev")`).
 */
import { callApi } from "./management-api.js";
import { currentRunRuntime } from "./runtime/globals.js";

export interface EnvironmentVariable {
  name: string;
  value: string;
  isSecret?: boolean;
}

type Target = { projectRef: string; slug: string };

/** Splits Trigger's overloads: `(projectRef, slug, ...rest)` or, inside a task, `(...rest)`. */
function resolve(args: unknown[], restLength: number, api: string): { target: Target; rest: unknown[] } {
  if (args.length >= restLength + 2 && typeof args[0] === "string" && typeof args[1] === "string") {
    return { target: { projectRef: args[0], slug: args[1] }, rest: args.slice(2) };
  }
  const ctx = currentRunRuntime()?.ctx;
  if (!ctx)
    throw new TypeError(
      `envvars.${api}: pass the project ref and environment slug first when calling it outside a task`,
    );
  return { target: { projectRef: ctx.project.ref, slug: ctx.environment.slug }, rest: args };
}

const path = ({ projectRef, slug }: Target, name?: string) =>
  `/api/v1/projects/${encodeURIComponent(projectRef)}/envvars/${encodeURIComponent(slug)}${name ? `/${encodeURIComponent(name)}` : ""}`;

export const envvars = {
  async list(...args: unknown[]): Promise<EnvironmentVariable[]> {
    const { target } = resolve(args, 0, "list");
    return callApi("GET", path(target));
  },
  async retrieve(...args: unknown[]): Promise<EnvironmentVariable> {
    const { target, rest } = resolve(args, 1, "retrieve");
    return callApi("GET", path(target, String(rest[0])));
  },
  async create(...args: unknown[]): Promise<{ success: boolean }> {
    const { target, rest } = resolve(args, 1, "create");
    return callApi("POST", path(target), rest[0]);
  },
  async update(...args: unknown[]): Promise<{ success: boolean }> {
    const { target, rest } = resolve(args, 2, "update");
    return callApi("PUT", path(target, String(rest[0])), rest[1]);
  },
  async del(...args: unknown[]): Promise<{ success: boolean }> {
    const { target, rest } = resolve(args, 1, "del");
    return callApi("DELETE", path(target, String(rest[0])));
  },
  async upload(...args: unknown[]): Promise<{ success: boolean }> {
    const { target, rest } = resolve(args, 1, "upload");
    return callApi("POST", `${path(target)}/import`, rest[0]);
  },
};
