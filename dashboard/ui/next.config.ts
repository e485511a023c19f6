import type { NextConfig } from "next";

// The dashboard UI: a static export (next build writes ui/out), served as files by the webapp's own HTTP server
// (src/server/dashboard-pages.ts). Every page is a client component over the webapp's /ui-api, so no Next.js server
// runs, and nothing server-side (Prisma, Temporal) is bundled here.
const config: NextConfig = {
  output: "export",
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
