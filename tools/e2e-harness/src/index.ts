export { AppProcess, type LogLine, type SpawnOptions } from './app-process';
export { eventually } from './eventually';
export { freePort } from './free-port';
export { PipelineHarness, type CuratedCounts, type PipelineHarnessOptions } from './pipeline-harness';
export { artifactsDir, WORKSPACE_ROOT } from './workspace';
