// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships wasm and resolves files relative to its own URL: bundling it breaks it.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
