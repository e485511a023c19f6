/** POST /api/v1/auth/jwt/claims: the claims `auth.createPublicToken` signs (with the secret key) in the SDK. */
import type { ApiApp } from "../services.js";

export function authRoutes(app: ApiApp): void {
  app.post("/api/v1/auth/jwt/claims", (c) => c.json({ sub: c.get("env").id, pub: true }));
}
