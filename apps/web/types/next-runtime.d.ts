/**
 * Next.js sets NEXT_RUNTIME in each compile ('nodejs' or 'edge') and replaces `process.env.NEXT_RUNTIME`
 * — dot access only — by that constant, so code behind `=== 'nodejs'` leaves the edge compile
 * (instrumentation.ts). Declared so that dot access type-checks under noPropertyAccessFromIndexSignature.
 */
declare namespace NodeJS {
  interface ProcessEnv {
    readonly NEXT_RUNTIME?: 'nodejs' | 'edge';
  }
}
