/**
 * Public access tokens: short-lived JWTs, signed with the environment's signing secret, that grant read access to
 * named runs or batches (what the SDK hands to browsers as `publicAccessToken`).
 */
import { SignJWT, decodeJwt, jwtVerify } from "jose";

export interface PublicTokenClaims {
  /** Environment id. */
  sub: string;
  pub: true;
  scopes: string[];
}

export async function signPublicToken(environmentId: string, signingSecret: string, scopes: string[], expiresIn = "1h"): Promise<string> {
  return new SignJWT({ pub: true, scopes })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(environmentId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(signingSecret));
}

/** The environment a token claims, before verification (to find the secret that verifies it). */
export function claimedEnvironment(token: string): string | undefined {
  try {
    const claims = decodeJwt(token);
    return typeof claims.sub === "string" && claims.pub === true ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyPublicToken(token: string, signingSecret: string): Promise<PublicTokenClaims> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(signingSecret), { algorithms: ["HS256"] });
  return { sub: String(payload.sub), pub: true, scopes: Array.isArray(payload.scopes) ? payload.scopes.map(String) : [] };
}

/** `read:runs:<id>`, `read:runs` (all), `read:batch:<id>`, `read:tags:<tag>`. */
export function scopeAllows(scopes: string[], resource: "runs" | "batch" | "tags", id: string): boolean {
  return scopes.includes(`read:${resource}`) || scopes.includes(`read:${resource}:${id}`) || scopes.includes("read:all");
}
