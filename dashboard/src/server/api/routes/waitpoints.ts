/** Waitpoint tokens: create, retrieve, complete, and the unauthenticated callback URL that completes one. */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { resolveDate } from "@stint/sdk/core";
import type { TokenState } from "@stint/sdk/runtime";
import type { AuthenticatedEnvironment } from "../../auth/authenticate.js";
import { signPublicToken } from "../../auth/public-tokens.js";
import { ApiError, notFound } from "../api-error.js";
import { assertOwnedToken } from "../ownership.js";
import { encodePacket } from "../packets.js";
import type { ApiApp, ApiServices } from "../services.js";
import { keySchema, tagsSchema } from "../trigger-body.js";
import { openCursor, signCursor } from "../page-cursor.js";
import { PERIOD, parseBody, parseValue, periodStart, queryDate, readJson } from "../validation.js";

const createTokenSchema = z.object({
  idempotencyKey: keySchema.pipe(z.string().min(1)).optional(),
  idempotencyKeyTTL: z.string().max(64).optional(),
  timeout: z.union([z.string().min(1).max(64), z.coerce.date()]).optional(),
  tags: tagsSchema.optional(),
});

const completeTokenSchema = z.object({ data: z.unknown().optional() });

const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean),
);
const listTokensSchema = z.object({
  "filter[status]": csv
    .pipe(
      z.array(
        z.enum(["WAITING", "COMPLETED", "TIMED_OUT"], {
          errorMap: () => ({ message: "expected WAITING, COMPLETED or TIMED_OUT" }),
        }),
      ),
    )
    .optional(),
  "filter[idempotencyKey]": keySchema.optional(),
  "filter[tags]": csv.optional(),
  "filter[createdAt][period]": z.string().regex(PERIOD, 'expected a period like "1h" or "7d"').optional(),
  "filter[createdAt][from]": queryDate.optional(),
  "filter[createdAt][to]": queryDate.optional(),
  "page[size]": z.coerce.number().int().min(1).max(100, "page[size] is at most 100").optional(),
  "page[after]": z.string().max(2048, "page[after]: not a cursor this API returned").optional(),
});

/** Token ids derive from the key: hashing it with the environment keeps equal keys of two environments apart. */
function scopedKey(env: AuthenticatedEnvironment, key: string): string {
  return createHash("sha256").update(`${env.id}:${key}`).digest("hex");
}

export function callbackHash(env: Pick<AuthenticatedEnvironment, "jwtSigningSecret">, tokenId: string): string {
  return createHmac("sha256", env.jwtSigningSecret).update(tokenId).digest("hex").slice(0, 32);
}

export function waitpointRoutes(app: ApiApp, services: ApiServices): void {
  const callbackUrl = (env: AuthenticatedEnvironment, id: string) =>
    `${services.publicUrl()}/api/v1/waitpoints/tokens/${id}/callback/${callbackHash(env, id)}`;
  const presentToken = (env: AuthenticatedEnvironment, state: TokenState) => ({
    id: state.id,
    url: callbackUrl(env, state.id),
    status: state.status,
    completedAt: state.completedAt,
    timeoutAt: state.timeoutAt,
    idempotencyKey: state.idempotencyKey,
    idempotencyKeyExpiresAt: state.idempotencyKeyExpiresAt,
    tags: state.tags,
    createdAt: state.createdAt,
  });

  app.post("/api/v1/waitpoints/tokens", async (c) => {
    const env = c.get("env");
    const body = await parseBody(c, createTokenSchema);
    let timeout: string | undefined;
    try {
      timeout = body.timeout === undefined ? undefined : resolveDate(body.timeout, "timeout", Date.now()).toISOString();
    } catch (error) {
      throw new ApiError(400, `body.${(error as Error).message}`);
    }
    const token = await services.engines.for(env).createToken({
      idempotencyKey: body.idempotencyKey && scopedKey(env, body.idempotencyKey),
      idempotencyKeyTTL: body.idempotencyKeyTTL,
      timeout,
      tags: body.tags === undefined ? undefined : [body.tags].flat(),
    });
    c.header(
      "x-trigger-jwt",
      await signPublicToken(env.id, env.jwtSigningSecret, [
        `write:waitpoints:${token.id}`,
        `read:waitpoints:${token.id}`,
      ]),
    );
    return c.json({ id: token.id, isCached: token.isCached, url: callbackUrl(env, token.id) });
  });

  app.get("/api/v1/waitpoints/tokens", async (c) => {
    const env = c.get("env");
    const q = parseValue(listTokensSchema, c.req.query(), "query");
    const page = await services.engines.for(env).listTokens({
      status: q["filter[status]"],
      tags: q["filter[tags]"],
      idempotencyKey: q["filter[idempotencyKey]"] && scopedKey(env, q["filter[idempotencyKey]"]),
      from: q["filter[createdAt][period]"] ? periodStart(q["filter[createdAt][period]"]) : q["filter[createdAt][from]"],
      to: q["filter[createdAt][to]"],
      limit: q["page[size]"],
      after: openCursor(env, q["page[after]"], "page[after]"),
    });
    return c.json({
      data: page.data.map((state) => presentToken(env, state)),
      pagination: { next: signCursor(env, page.nextCursor) },
    });
  });

  app.get("/api/v1/waitpoints/tokens/:tokenId", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const tokenId = c.req.param("tokenId");
    await assertOwnedToken(engine, env, tokenId);
    const state = await engine.retrieveToken(tokenId);
    const output =
      state.status === "COMPLETED" ? encodePacket(state.output) : state.error ? encodePacket(state.error) : undefined;
    return c.json({
      ...presentToken(env, state),
      output: output?.data,
      outputType: output?.dataType,
      outputIsError: state.status === "TIMED_OUT" || undefined,
    });
  });

  app.post("/api/v1/waitpoints/tokens/:tokenId/complete", async (c) => {
    const env = c.get("env");
    const engine = services.engines.for(env);
    const tokenId = c.req.param("tokenId");
    await assertOwnedToken(engine, env, tokenId);
    const body = await parseBody(c, completeTokenSchema);
    return c.json(await engine.completeToken(tokenId, body.data));
  });
}

/** Mounted without authentication: the hash in the URL proves the caller was handed the URL. */
export function waitpointCallbackRoute(app: ApiApp, services: ApiServices): void {
  app.post("/api/v1/waitpoints/tokens/:tokenId/callback/:hash", async (c) => {
    const tokenId = c.req.param("tokenId");
    if (!/^waitpoint_[a-z0-9]+$/i.test(tokenId)) throw notFound(`Waitpoint token ${tokenId}`);
    const engine = services.engines.anyEngine();
    const environmentId = await engine.tokenEnvironment(tokenId);
    const env = environmentId
      ? await services.db.runtimeEnvironment.findUnique({
          where: { id: environmentId },
          select: { jwtSigningSecret: true },
        })
      : null;
    if (!env) throw notFound(`Waitpoint token ${tokenId}`);
    const expected = Buffer.from(callbackHash(env, tokenId));
    const given = Buffer.from(c.req.param("hash"));
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new ApiError(401, "Invalid callback URL: its hash does not match the token");
    // The whole request body becomes the token's output (that is what a webhook sender posts).
    const data = await readJson(c);
    return c.json(await engine.completeToken(tokenId, data));
  });
}
