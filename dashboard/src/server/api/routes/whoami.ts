/**
 * `GET /api/v2/whoami`: whom a personal access token (`tr_pat_…`) acts for — what `stint login` checks before it
 * stores a token, and what Trigger.dev's CLI asks its webapp the same way.
 */
import { userOfAccessToken } from "../../auth/access-tokens.js";
import { ApiError } from "../api-error.js";
import type { ApiApp, ApiServices } from "../services.js";

export function whoamiRoutes(app: ApiApp, services: ApiServices): void {
  app.get("/api/v2/whoami", async (c) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const user = token ? await userOfAccessToken(services.db, token) : undefined;
    if (!user) {
      throw new ApiError(
        401,
        token?.startsWith("tr_pat_")
          ? "Invalid personal access token (revoked, or never issued here): create one on the dashboard's Access tokens page"
          : "Send a personal access token as `Authorization: Bearer tr_pat_…` (the dashboard's Access tokens page); a secret key acts for one environment, not for a user",
      );
    }
    return c.json({ userId: user.id, email: user.email, dashboardUrl: services.publicUrl() });
  });
}
