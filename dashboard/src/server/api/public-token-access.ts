/** What a public access token may do on the REST API: read what its scopes name, or trigger the tasks they name. */
import { scopeAllows, scopeAllowsTrigger } from "../auth/public-tokens.js";

export type PublicTokenAccess = "read" | "trigger" | "completeToken" | false;

export function publicTokenAccess(method: string, url: URL, scopes: string[]): PublicTokenAccess {
  const path = url.pathname;
  if (method === "GET") {
    const run =
      /^\/api\/v3\/runs\/([^/]+)$/.exec(path) ??
      /^\/api\/v1\/runs\/([^/]+)\/result$/.exec(path) ??
      /^\/api\/v1\/runs\/([^/]+)\/packets\/(?:payload|output)$/.exec(path) ??
      /^\/realtime\/v1\/runs\/([^/]+)$/.exec(path) ??
      /^\/realtime\/v1\/streams\/([^/]+)\/[^/]+$/.exec(path);
    if (run) return scopeAllows(scopes, "runs", decodeURIComponent(run[1]!)) && "read";
    // A stored payload or output of a run the token may read (older SDKs ask by path; the engine keeps them under runs/<id>/).
    const packet = /^\/api\/v1\/packets\/runs(?:\/|%2F)([^/%]+)(?:\/|%2F)/i.exec(path);
    if (packet) return scopeAllows(scopes, "runs", packet[1]!) && "read";
    const batch = /^\/api\/v2\/batches\/([^/]+)$/.exec(path) ?? /^\/realtime\/v1\/batches\/([^/]+)$/.exec(path);
    if (batch) return scopeAllows(scopes, "batch", decodeURIComponent(batch[1]!)) && "read";
    if (path === "/realtime/v1/runs") {
      // Runs by tag: the token must allow every tag asked for.
      const tags = (url.searchParams.get("tags") ?? "").split(",").filter(Boolean);
      return tags.length > 0 && tags.every((tag) => scopeAllows(scopes, "tags", tag)) && "read";
    }
    return false;
  }
  if (method === "POST") {
    const trigger = /^\/api\/v1\/tasks\/([^/]+)\/trigger$/.exec(path);
    if (trigger) return scopeAllowsTrigger(scopes, decodeURIComponent(trigger[1]!)) && "trigger";
    // The token `wait.createToken` hands out lets a browser complete that one waitpoint.
    const complete = /^\/api\/v1\/waitpoints\/tokens\/([^/]+)\/complete$/.exec(path);
    if (complete) return scopes.includes(`write:waitpoints:${decodeURIComponent(complete[1]!)}`) && "completeToken";
  }
  return false;
}
