/**
 * An environment's secret key, read back from its sealed copy (AES-GCM under the webapp's encryption key, next to
 * the hash that authenticates it). A key created before keys were sealed, and not used since, is kept only as a hash:
 * nobody can read it back, and rotating it is the way to a key one can see.
 */
import type { SecretBox } from "../envvars/secret-box.js";

export function revealSecretKey(sealed: string | null, secretBox: SecretBox): string | undefined {
  if (!sealed) return undefined;
  try {
    return secretBox.open(sealed);
  } catch {
    // Sealed under another encryption key (STINT_ENCRYPTION_KEY changed): as good as hash-only.
    return undefined;
  }
}
