/**
 * Public access tokens: short-lived JWTs that grant read access to named runs, batches or tags, or the right to
 * trigger named tasks. The API signs the ones it hands out (`publicAccessToken`) with the environment's signing
 * secret; the SDK signs its own (`auth.createPublicToken`, `auth.createTriggerPublicToken`) with the secret key.
 */
import { SignJWT, decodeJwt, jwtVerify } from "jose";

export interface PublicTokenClaims {
  /** Environment id. */
  sub: string;
  pub: true;
  scopes: string[];
  /** One-time use (trigger tokens by default): the API refuses the token after its first trigger. */
  oneTimeUse: boolean;
  expiresAt: Date;
}

export async function signPublicToken(
  environmentId: string,
  signingSecret: string,
  scopes: string[],
  expiresIn = "1h",
): Promise<string> {
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

/** Tokens without an expiry are refused: every token the SDK or the API signs has one. */
export async function verifyPublicToken(token: string, signingSecret: string): Promise<PublicTokenClaims> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(signingSecret), {
    algorithms: ["HS256"],
    requiredClaims: ["exp"],
  });
  return {
    sub: String(payload.sub),
    pub: true,
    scopes: Array.isArray(payload.scopes) ? payload.scopes.map(String) : [],
    oneTimeUse: payload.otu === true,
    expiresAt: new Date(payload.exp! * 1000),
  };
}

/** Reads: `read` or `read:all` (everything), `read:runs` (all runs), `read:runs:<id>`, `read:batch:<id>`, `read:tags:<tag>`. */
export function scopeAllows(scopes: string[], resource: "runs" | "batch" | "tags", id: string): boolean {
  return (
    scopes.includes("read") ||
    scopes.includes("read:all") ||
    scopes.includes(`read:${resource}`) ||
    scopes.includes(`read:${resource}:${id}`)
  );
}

/** Triggers: `trigger:tasks` (any task) or `trigger:tasks:<id>`, as `auth.createTriggerPublicToken` writes them. */
export function scopeAllowsTrigger(scopes: string[], taskId: string): boolean {
  return scopes.includes("trigger:tasks") || scopes.includes(`trigger:tasks:${taskId}`);
}
