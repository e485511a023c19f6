/**
 * The largest request body each route takes, refused with a 413 naming the limit before the body is read (Hono's
 * body-limit middleware counts a chunked body as it streams). JSON bodies get 3 MB (a 1 MB payload plus its
 * options); a batch's NDJSON items and the large-payload upload (packets) get more.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_JSON_BODY_BYTES } from "./validation.js";

const MB = 1024 * 1024;

const LARGER_BODIES: { path: RegExp; maxBytes: number; what: string }[] = [
  // Each line is checked on its own (one item: up to a 1 MB payload); the request holds up to 1,000 of them.
  { path: /^\/api\/v3\/batches\/[^/]+\/items$/, maxBytes: 64 * MB, what: "a batch's items" },
  { path: /^\/api\/v\d+\/packets\//, maxBytes: 10 * MB, what: "an uploaded packet" },
];

function limited(maxBytes: number, what: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json({ error: `body: ${what} may be at most ${maxBytes / MB} MB; send less per request` }, 413),
  });
}

export function bodyLimits(): MiddlewareHandler {
  const byDefault = limited(MAX_JSON_BODY_BYTES, "a request body");
  const larger = LARGER_BODIES.map((route) => ({ ...route, middleware: limited(route.maxBytes, route.what) }));
  return (c, next) => {
    const path = new URL(c.req.url).pathname;
    return (larger.find((route) => route.path.test(path))?.middleware ?? byDefault)(c, next);
  };
}
