import type { NextConfig } from "next";

// The dashboard UI. It is served by the webapp's own HTTP server (src/server/http-server.ts) and talks only to the
// webapp's /ui-api, so nothing server-side (Prisma, Temporal) is bundled here.
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
