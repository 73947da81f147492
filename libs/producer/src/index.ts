export { ProducerError, type ProducerErrorCode } from './errors';
export type { DurableFiles, StagedRawFile } from './types';
export { Outbox, type OutboxDeps, type OutboxFile, type Handover } from './outbox';
export { PendingAnnouncements, type PendingAnnouncement, type PendingFile } from './pending-announcements';
export { JsonStateFile, type VersionedState } from './state-file';
export { lockDirectory, type DirectoryLock } from './directory-lock';
