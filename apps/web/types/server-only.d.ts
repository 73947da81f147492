/** Next.js resolves `server-only` itself (it fails the build when a client component imports it). */
declare module 'server-only';
