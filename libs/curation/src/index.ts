export { BatchHandler } from './handle/batch-handler';
export { DeadLetters } from './handle/dead-letters';
export { CuratedAnnouncer, uuidFrom } from './announce/curated-announcer';
export { curateEngineFromConfig } from './curate/curate-engine-from-config';
export { assertNoLegacyLayout } from './curate/legacy-layout';
export type { CommitObserver, CommitReport, CommittedDataset } from './ports';
