/** Environment API keys, Trigger.dev style: `tr_dev_…` secret keys and `pk_dev_…` public keys, scoped to one environment. */
import type { EnvironmentType } from "../../generated/prisma/index.js";
import { hashSecret, hintOf, randomToken } from "./secrets.js";

const PREFIX: Record<EnvironmentType, string> = {
  DEVELOPMENT: "dev",
  STAGING: "stg",
  PRODUCTION: "prod",
  PREVIEW: "preview",
};

export interface IssuedKey {
  key: string;
  hash: string;
  hint: string;
}

function issue(key: string): IssuedKey {
  return { key, hash: hashSecret(key), hint: hintOf(key) };
}

export function newSecretKey(type: EnvironmentType): IssuedKey {
  return issue(`tr_${PREFIX[type]}_${randomToken(32)}`);
}

export function newPublicKey(type: EnvironmentType): IssuedKey {
  return issue(`pk_${PREFIX[type]}_${randomToken(32)}`);
}

export function looksLikeSecretKey(value: string): boolean {
  return /^tr_(dev|stg|prod|preview)_[a-z0-9]+$/.test(value);
}
