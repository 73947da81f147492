// @ts-check
/**
 * `npm run bench [-- --quick]`: the performance benchmark against the real local Kafka.
 * Everything lives in bench/ (see bench/README.md); this is only the entry point.
 */
await import('../../bench/run.mjs');
