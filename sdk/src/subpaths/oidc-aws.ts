/**
 * `@trigger.dev/sdk/oidc/aws`: AWS credentials from the run's OIDC token. Stint does not issue OIDC tokens yet, so the
 * provider can be made (at import) and fails when asked for credentials, naming the feature.
 */
import { unsupported } from "../unsupported.js";

export function awsCredentialProvider(_options?: unknown): () => Promise<never> {
  return async () => unsupported("awsCredentialProvider (OIDC tokens for AWS)");
}
