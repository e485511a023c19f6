/**
 * Resolves a supervisor's `Authorization: Bearer tr_wgt_…` to its worker group. Not cached: a rotated token is
 * refused from the very next call (one indexed lookup per call, at heartbeat pace).
 */
import type { Database } from "../database/prisma-client.js";
import { AuthError } from "../errors.js";
import { hashSecret } from "../auth/secrets.js";
import { looksLikeWorkerToken } from "./worker-tokens.js";

export interface AuthenticatedWorkerGroup {
  id: string;
  name: string;
}

export async function workerGroupFromAuthorization(
  db: Database,
  header: string | undefined,
): Promise<AuthenticatedWorkerGroup> {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (!token)
    throw new AuthError(
      "Missing Authorization header: a supervisor sends `Authorization: Bearer <worker token>` (tr_wgt_…)",
    );
  if (!looksLikeWorkerToken(token))
    throw new AuthError(
      "Invalid worker token: expected tr_wgt_… (the webapp printed it at first boot and wrote it to <data dir>/worker-token)",
    );
  const group = await db.workerGroup.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { id: true, name: true },
  });
  if (!group)
    throw new AuthError(
      "Invalid worker token: no worker group has it (was it rotated? Copy the new one from the dashboard's Workers page)",
    );
  return group;
}
