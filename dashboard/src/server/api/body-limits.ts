/**
 * The largest request body each route takes, refused with a 413 naming the limit before the body is read (Hono's
 * body-limit middleware counts a chunked body as it streams). JSON bodies get 3 MB; triggers and batches, which carry
 * payloads of up to 10 MB inline (older SDKs do not upload them first), get more. Packet uploads do not come here:
 * they go to the object store's presigned URLs (see large-payloads.md).
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_JSON_BODY_BYTES, MAX_PAYLOAD_BODY_BYTES } from "./validation.js";

const MB = 1024 * 1024;

const LARGER_BODIES: { path: RegExp; maxBytes: number; what: string }[] = [
  // Each line is checked on its own (one item: up to a 10 MB payload); the request holds up to 1,000 of them.
  { path: /^\/api\/v3\/batches\/[^/]+\/items$/, maxBytes: 64 * MB, what: "a batch's items" },
  { path: /^\/api\/v1\/tasks\/[^/]+\/(trigger|batch)$/, maxBytes: MAX_PAYLOAD_BODY_BYTES, what: "a trigger" },
  { path: /^\/api\/v[12]\/tasks\/batch$/, maxBytes: MAX_PAYLOAD_BODY_BYTES, what: "a batch" },
  // gzip-compressed: a bundle's JavaScript with its inline source maps.
  { path: /^\/api\/v1\/deployments\/[^/]+\/bundle$/, maxBytes: 64 * MB, what: "a deployment's bundle" },
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
