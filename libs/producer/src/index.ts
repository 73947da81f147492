export { ProducerError, type ProducerErrorCode } from './errors';
export type { Announcer, DurableFiles, StagedRawFile } from './types';
export { Outbox, type OutboxDeps, type OutboxFile, type Handover } from './outbox';
export { PendingAnnouncements, type PendingAnnouncement, type PendingFile } from './pending-announcements';
export { JsonStateFile, type VersionedState } from './state-file';
export { topicAnnouncer, type AnnouncementTopics, type ReferencePublisher } from './topic-announcer';
export { lockDirectory, type DirectoryLock } from './directory-lock';
