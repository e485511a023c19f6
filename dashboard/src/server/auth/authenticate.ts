/** Resolves a request's `Authorization: Bearer` secret key to the one environment it is scoped to. */
import type { Database } from "../database/prisma-client.js";
import type { EnvironmentType } from "../../generated/prisma/index.js";
import { looksLikeSecretKey } from "./api-keys.js";
import { hashSecret } from "./secrets.js";
import { claimedEnvironment, verifyPublicToken, type PublicTokenClaims } from "./public-tokens.js";
import type { SecretBox } from "../envvars/secret-box.js";
import { AuthError } from "../errors.js";

export interface AuthenticatedEnvironment {
  id: string;
  slug: string;
  type: EnvironmentType;
  projectId: string;
  projectRef: string;
  organizationId: string;
  jwtSigningSecret: string;
}

/** The environment with this id as the API and the engine see it (its project's ref and organisation with it). */
export async function environmentById(db: Database, id: string): Promise<AuthenticatedEnvironment | undefined> {
  const row = await db.runtimeEnvironment.findUnique({
    where: { id },
    select: {
      id: true,
      slug: true,
      type: true,
      projectId: true,
      jwtSigningSecret: true,
      project: { select: { ref: true, organizationId: true } },
    },
  });
  return row
    ? {
        id: row.id,
        slug: row.slug,
        type: row.type,
        projectId: row.projectId,
        projectRef: row.project.ref,
        organizationId: row.project.organizationId,
        jwtSigningSecret: row.jwtSigningSecret,
      }
    : undefined;
}

const CACHE_TTL_MS = 5_000;

/** Key lookups are cached briefly: every API call authenticates, and a rotated key stops working within seconds. */
export class EnvironmentAuthenticator {
  private readonly cache = new Map<string, { env: AuthenticatedEnvironment; expires: number }>();

  /** `secretBox` seals each key on its first use, so tokens the SDK signs with it can be verified. */
  constructor(
    private readonly db: Database,
    private readonly secretBox?: SecretBox,
  ) {}

  async fromAuthorization(header: string | undefined): Promise<AuthenticatedEnvironment> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
    if (!match)
      throw new AuthError(
        "Missing Authorization header: send `Authorization: Bearer <secret key>` (tr_dev_…, tr_prod_…)",
      );
    const key = match[1]!;
    if (!looksLikeSecretKey(key))
      throw new AuthError("Invalid API key: expected a secret key like tr_dev_…, tr_stg_… or tr_prod_…");
    return this.fromSecretKey(key);
  }

  async fromSecretKey(key: string): Promise<AuthenticatedEnvironment> {
    const hash = hashSecret(key);
    const cached = this.cache.get(hash);
    if (cached && cached.expires > Date.now()) return cached.env;
    const row = await this.db.runtimeEnvironment.findUnique({
      where: { secretKeyHash: hash },
      select: { id: true, secretKeySealed: true },
    });
    const env = row && (await this.byId(row.id));
    if (!env) {
      this.cache.delete(hash);
      throw new AuthError("Invalid API key: no environment has this secret key (was it rotated?)");
    }
    if (this.secretBox && (row.secretKeySealed === null || this.openSealed(row.secretKeySealed) !== key)) {
      // Sealed at first use, or again after the webapp's encryption key changed. Only while the key is still this
      // one: a rotation racing this write must not get the old key back.
      await this.db.runtimeEnvironment.updateMany({
        where: { id: row.id, secretKeyHash: hash, secretKeySealed: row.secretKeySealed },
        data: { secretKeySealed: this.secretBox.seal(key) },
      });
    }
    this.cache.set(hash, { env, expires: Date.now() + CACHE_TTL_MS });
    return env;
  }

  /**
   * A public access token: which environment it is for, and what it may do. Tokens the API handed out verify with
   * the environment's signing secret; tokens the SDK signed, with the environment's current secret key.
   */
  async fromPublicToken(token: string): Promise<{ env: AuthenticatedEnvironment; claims: PublicTokenClaims }> {
    const environmentId = claimedEnvironment(token);
    const env = environmentId ? await this.byId(environmentId) : undefined;
    if (!env) throw new AuthError("Invalid public access token");
    const claims = await verifyPublicToken(token, env.jwtSigningSecret).catch(async () => {
      const sealed = (
        await this.db.runtimeEnvironment.findUnique({ where: { id: env.id }, select: { secretKeySealed: true } })
      )?.secretKeySealed;
      const key = sealed ? this.openSealed(sealed) : undefined;
      return key ? verifyPublicToken(token, key).catch(() => undefined) : undefined;
    });
    if (!claims)
      throw new AuthError(
        "Invalid or expired public access token (tokens signed with a secret key stop working when the key is rotated)",
      );
    return { env, claims };
  }

  /** The sealed key, or undefined when it cannot be opened (the webapp's encryption key changed since). */
  private openSealed(sealed: string): string | undefined {
    try {
      return this.secretBox?.open(sealed);
    } catch {
      return undefined;
    }
  }

  /** Marks a one-time token used; false if it already was. */
  async spendOneTimeToken(env: AuthenticatedEnvironment, token: string, expiresAt: Date): Promise<boolean> {
    await this.db.spentPublicToken.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    const { count } = await this.db.spentPublicToken.createMany({
      data: [{ tokenHash: hashSecret(token), environmentId: env.id, expiresAt }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /** An environment by id (for callers that are not a key of it: supervisors acting for runs of the environment). */
  byId(id: string): Promise<AuthenticatedEnvironment | undefined> {
    return environmentById(this.db, id);
  }

  forget(): void {
    this.cache.clear();
  }
}
