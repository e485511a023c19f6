/**
 * Project resolution for the CLI, authenticated with a personal access token (`tr_pat_…`, not a secret key: a key
 * acts for one environment): `stint dev` finds — or creates, in the user's organisation — the project its
 * trigger.config.ts names and gets its development environment's key. Trigger.dev's CLI resolves projects by ref the
 * same way.
 */
import { z } from "zod";
import { userOfAccessToken } from "../../auth/access-tokens.js";
import { projectRefSchema, resolveOrCreateProject } from "../../tenancy/resolve-project.js";
import { ApiError } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";
import { parseBody, parseValue } from "../validation.js";

const NEEDS_TOKEN =
  "This endpoint needs a personal access token: send `Authorization: Bearer tr_pat_…` (create one on the dashboard under Access tokens; npm start writes the admin's to .stint/dev.env as TRIGGER_ACCESS_TOKEN). A secret key acts for one environment only.";

export function projectRoutes(app: ApiApp, services: ApiServices): void {
  app.post("/api/v1/projects/:projectRef/environments/dev", async (c) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const user = token ? await userOfAccessToken(services.db, token) : undefined;
    if (!user)
      throw new ApiError(
        401,
        token?.startsWith("tr_pat_") ? "Invalid personal access token (revoked, or never issued here)" : NEEDS_TOKEN,
      );
    const ref = parseValue(projectRefSchema, c.req.param("projectRef"), "projectRef");
    const body = await parseBody(c, z.object({ name: z.string().trim().min(1).max(100).optional() }));
    const resolved = await resolveOrCreateProject(services.db, services.secretBox, user.id, ref, body.name);
    return c.json({
      project: resolved.project,
      created: resolved.created,
      environment: resolved.environment,
      apiKey: resolved.secretKey,
      apiUrl: services.publicUrl(),
    });
  });
}
