// @ts-check
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/**
 * The dashboard is a Next.js (App Router) server in an Nx monorepo:
 * - workspace libraries (`@fluxo/schema`, `@fluxo/parquet-io`, `@fluxo/kafka-client`) are TypeScript
 *   outside this folder, reached through the tsconfig path aliases and compiled by Next's SWC
 *   (`externalDir`); libs/schema's class-validator decorators need `experimentalDecorators`, which
 *   SWC reads from tsconfig.base.json;
 * - DuckDB (native bindings) and kafkajs are never bundled: they are required at run time on the server;
 * - `next dev` (the first `npm start` serves it until the production build is done, decision 0010)
 *   writes to `.next-dev`, so that it and `next build` (`.next`, what Nx caches and `next start`
 *   serves) can run side by side; its React and webpack runtime evaluate code (`eval`), which the
 *   production policy forbids: the dev server alone allows `'unsafe-eval'`.
 */
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-Sent Events must reach the browser unbuffered: no gzip of streamed responses.
  compress: false,
  serverExternalPackages: ['@duckdb/node-api', '@duckdb/node-bindings', 'kafkajs', 'pino', 'prom-client'],
  experimental: { externalDir: true, webpackBuildWorker: true },
  // The first `npm start` builds the dashboard, and that build is the long pole of its first minute
  // (docs/first-minute.md, decision 0010). Two things it does not need: webpack's persistent cache
  // (171 MB serialized to .next/cache on every cold build; Nx already restores an unchanged build
  // whole), and the output file traces (`*.nft.json`, for copying a deployment elsewhere: `next
  // start` runs from this checkout). Together: −26 % CPU per cold build, and no 21 s tracing step (decision 0010).
  webpack: (config, { dev }) => {
    if (!dev) config.cache = false;
    return config;
  },
  outputFileTracingExcludes: { '*': ['**/*'] },
  // `nx run web:lint` and `nx run web:typecheck` are the checks; the build only compiles.
  eslint: { ignoreDuringBuilds: true },
  typescript: { ignoreBuildErrors: true },
  // A read-only dashboard on loopback still refuses to be framed, sniffed or to load foreign code.
  // Next.js inlines its bootstrap scripts and styles, hence 'unsafe-inline' for those two only.
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
};

/** @type {import('next').NextConfig} */
const devServerConfig = {
  ...nextConfig,
  distDir: '.next-dev',
  async headers() {
    const devHeaders = SECURITY_HEADERS.map((header) =>
      header.key === 'Content-Security-Policy' ? { ...header, value: header.value.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'") } : header,
    );
    return [{ source: '/:path*', headers: devHeaders }];
  },
};

export const SECURITY_HEADERS = [
  {
    key: 'Content-Security-Policy',
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
];

/** @param {string} phase */
export default function config(phase) {
  return phase === PHASE_DEVELOPMENT_SERVER ? devServerConfig : nextConfig;
}
