// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships wasm and resolves files relative to its own URL: bundling it breaks it.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  // A second build beside a running one (e.g. while e2e tests use .next): NEXT_DIST_DIR=.next-2.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // The test command runs `tsc --noEmit` over the whole tree (tests, CLI and server too);
  // checking again inside `next build` would only double the build time.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  async headers() {
    // Signed links carry their token in the path: never leak it in a Referer, never index it.
    const linkHeaders = [
      { key: 'Referrer-Policy', value: 'no-referrer' },
      { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
      { key: 'X-Robots-Tag', value: 'noindex, nofollow' },
      { key: 'Cache-Control', value: 'private, no-store' },
    ];
    return [
      { source: '/p/:path*', headers: linkHeaders },
      { source: '/u/:path*', headers: linkHeaders },
      { source: '/w/:path*', headers: linkHeaders },
      // The admin console: the sign-in link's token is in the URL, and no page may be framed
      // (a framed "Sign in" button could be clicked for someone).
      { source: '/admin/:path*', headers: linkHeaders },
      { source: '/:path*', headers: [{ key: 'X-Content-Type-Options', value: 'nosniff' }] },
    ];
  },
};

module.exports = nextConfig;
