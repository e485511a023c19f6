/**
 * Page cursors handed out by list endpoints are the engine's (Temporal's page token) with an HMAC of the
 * environment's signing secret: a cursor this API did not hand out to this environment is a 400 at once, instead of
 * reaching Temporal (which spent about 20 s on a garbage token before failing).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AuthenticatedEnvironment } from "../auth/authenticate.js";
import { ApiError } from "./api-error.js";

/** Temporal's tokens are a few hundred characters; anything far longer is not one of ours. */
const MAX_CURSOR_LENGTH = 2048;

function mac(env: Pick<AuthenticatedEnvironment, "jwtSigningSecret">, cursor: string): string {
  return createHmac("sha256", env.jwtSigningSecret).update(`page-cursor:${cursor}`).digest("base64url").slice(0, 22);
}

export function signCursor(
  env: Pick<AuthenticatedEnvironment, "jwtSigningSecret">,
  cursor: string | undefined,
): string | undefined {
  return cursor === undefined ? undefined : `${cursor}.${mac(env, cursor)}`;
}

/** The engine's cursor inside `value`, or a 400 naming `field` when this API did not hand `value` out. */
export function openCursor(
  env: Pick<AuthenticatedEnvironment, "jwtSigningSecret">,
  value: string | undefined,
  field: string,
): string | undefined {
  if (!value) return undefined;
  const dot = value.lastIndexOf(".");
  const cursor = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(env, cursor));
  if (
    value.length > MAX_CURSOR_LENGTH ||
    dot < 1 ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    throw new ApiError(
      400,
      `${field}: not a cursor this API returned; pass pagination.next from the previous page as it is, or leave ${field} out for the first page`,
    );
  }
  return cursor;
}
