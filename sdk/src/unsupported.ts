/**
 * Parts of the Trigger.dev v4 surface that need Stint components not shipped yet. They exist so that every import
 * of a Trigger.dev project resolves and its files load; calling them fails with an error naming the feature — never
 * a silent success, and never at import.
 */
import { StintUnsupportedError } from "./core/errors.js";
import { createTask } from "./tasks/task.js";

export function unsupported(feature: string): never {
  throw new StintUnsupportedError(feature);
}

type Unsupported = (...args: any[]) => Promise<never>;

/** `{ name: fn }` for API calls (async, as in Trigger.dev), each rejecting with `<prefix>.<name> is not supported by Stint yet.` */
export function unsupportedMethods<const Names extends string>(
  prefix: string,
  names: readonly Names[],
): Record<Names, Unsupported> {
  return Object.fromEntries(
    names.map((name) => [name, async (..._args: unknown[]) => unsupported(`${prefix}.${name}`)]),
  ) as Record<Names, Unsupported>;
}

/** Properties a caller may probe without using the API (await, JSON, inspection): they read as absent. */
const PROBES = new Set<PropertyKey>([
  "then",
  "toJSON",
  "valueOf",
  "toString",
  "constructor",
  "prototype",
  "$$typeof",
  "asymmetricMatch",
  "nodeType",
]);

export interface UnsupportedApiOptions {
  /**
   * Calls a module makes at import to declare something (`ai.tool(task)`, `chat.local({ … })`): they return another
   * such proxy instead of throwing, so the file still loads and the failure comes when the declaration is used.
   */
  definers?: ReadonlySet<string>;
  /**
   * Definers that declare a task (`chat.agent({ id, … })`): the task is registered, so it is listed and can be
   * triggered, and each run fails naming the feature.
   */
  taskDefiners?: ReadonlySet<string>;
  /**
   * Methods that declare something only when called on a declaration — a builder's hooks
   * (`chat.withClientData(…).onChatStart(fn)`): they return another proxy there, and throw anywhere else.
   */
  builderDefiners?: ReadonlySet<string>;
}

function registerUnsupportedTask(feature: string, options: unknown): void {
  const id = (options as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string") return;
  createTask({ id, run: async () => unsupported(feature) });
}

/**
 * A whole unsupported API (the AI chat helpers, say) as a deep proxy: any member path can be read, calling it throws
 * naming the path — except the definers in `options`.
 */
export function unsupportedApi(path: string, options: UnsupportedApiOptions = {}): any {
  const last = path.slice(path.lastIndexOf(".") + 1);
  const target = function () {} as unknown as object;
  const onDeclaration = path.slice(0, Math.max(0, path.lastIndexOf("."))).endsWith("(…)");
  const definer =
    options.definers?.has(last) ||
    options.taskDefiners?.has(last) ||
    (onDeclaration && options.builderDefiners?.has(last));
  return new Proxy(target, {
    get(_target, property) {
      if (typeof property === "symbol" || PROBES.has(property)) return undefined;
      return unsupportedApi(`${path}.${property}`, options);
    },
    has: () => true,
    apply(_target, _this, args: unknown[]) {
      if (!definer) return unsupported(path);
      if (options.taskDefiners?.has(last)) registerUnsupportedTask(path, args[0]);
      return unsupportedApi(`${path}(…)`, options);
    },
    construct() {
      if (definer) return unsupportedApi(`new ${path}(…)`, options) as object;
      return unsupported(`new ${path}`);
    },
  });
}
