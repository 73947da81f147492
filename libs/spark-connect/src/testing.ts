/**
 * Test helpers: the Spark Connect server of the test run. `npm test` starts one (tools/local-spark)
 * and exports its address as FLUXO_TEST_SPARK_REMOTE; by hand: `npm run spark -- start` and export
 * the `sc://` line it prints.
 */
export function testSparkRemote(): string {
  const remote = process.env['FLUXO_TEST_SPARK_REMOTE'];
  if (remote === undefined || remote === '') {
    throw new Error('FLUXO_TEST_SPARK_REMOTE is not set: start a server with `npm run spark -- start` and export the sc:// address it prints');
  }
  return remote;
}
