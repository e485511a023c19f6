/**
 * Text PostgreSQL cannot store: U+0000 anywhere (text and jsonb), and a lone UTF-16 surrogate ("\ud800" in JSON),
 * which jsonb refuses and text columns would silently turn into U+FFFD. Found without recursion, so a value of any
 * depth (from Temporal, from a worker) can be checked; replaced with U+FFFD where a row must be kept anyway.
 */

export type UnstorableProblem = "NUL" | "lone surrogate";

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

function problemOf(text: string): UnstorableProblem | undefined {
  if (text.includes("\0")) return "NUL";
  if (!(text as unknown as WellFormedString).isWellFormed()) return "lone surrogate";
  return undefined;
}

/** The first string (or object key) PostgreSQL would refuse, as `root.a.0.b`, or undefined. */
export function findUnstorable(value: unknown, root: string): { path: string; problem: UnstorableProblem } | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === "string") {
      const problem = problemOf(item);
      if (problem) return { path, problem };
    } else if (item !== null && typeof item === "object") {
      const entries = Array.isArray(item) ? item.map((v, i) => [String(i), v] as const) : Object.entries(item);
      // Pushed in reverse so the first bad field in document order is the one named.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const keyProblem = Array.isArray(item) ? undefined : problemOf(key);
        if (keyProblem) return { path: `${path} (a key)`, problem: keyProblem };
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

export function storableString(text: string): string {
  return problemOf(text) ? (text.replaceAll("\0", "\uFFFD") as unknown as WellFormedString).toWellFormed() : text;
}

/** A copy with every string and key made storable (NUL and lone surrogates become U+FFFD); unchanged if none were. */
export function toStorable<T>(value: T): T {
  if (!findUnstorable(value, "")) return value;
  // Rebuilt without recursion: each container is copied once, children are filled in as the stack reaches them.
  const copy = (item: unknown): unknown =>
    Array.isArray(item)
      ? new Array(item.length)
      : isPlainObject(item)
        ? {}
        : typeof item === "string"
          ? storableString(item)
          : item;
  const result = copy(value);
  const stack: [unknown, unknown][] = [[value, result]];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    if (!Array.isArray(source) && !isPlainObject(source)) continue;
    for (const [key, child] of Object.entries(source)) {
      const childCopy = copy(child);
      (target as Record<string, unknown>)[Array.isArray(source) ? key : storableString(key)] = childCopy;
      stack.push([child, childCopy]);
    }
  }
  return result as T;
}

function isPlainObject(item: unknown): item is Record<string, unknown> {
  if (item === null || typeof item !== "object") return false;
  const proto = Object.getPrototypeOf(item);
  return proto === Object.prototype || proto === null;
}

/** "NUL character (\u0000)" / "lone UTF-16 surrogate (like \ud800)": how a message names the problem. */
export function describeProblem(problem: UnstorableProblem): string {
  return problem === "NUL"
    ? "a NUL character (\\u0000)"
    : "a lone UTF-16 surrogate (like \\ud800, half of a character)";
}
