// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships wasm and resolves files relative to its own URL: bundling it breaks it.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  // The test command runs `tsc --noEmit` over the whole tree (tests, CLI and server too);
  // checking again inside `next build` would only double the build time.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
};

module.exports = nextConfig;
