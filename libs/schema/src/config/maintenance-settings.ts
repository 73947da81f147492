import { ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { CATALOG_APP_SETTINGS, CatalogAppConfig } from './catalog-settings';
import type { EnvSetting } from './env-config';

/**
 * The maintenance policy of the curated tables and the raw zone: the normalizer applies it in the
 * background, `fluxo compact|gc` on demand. One definition, so both read the same variables with the
 * same defaults and bounds.
 */
export class MaintenanceAppConfig extends CatalogAppConfig {
  @IsInt() @Min(1) @Max(4_096)
  compactTargetFileMb!: number;

  @IsInt() @Min(0) @Max(31_536_000_000)
  snapshotRetentionMs!: number;

  @IsInt() @Min(0) @Max(31_536_000_000)
  fileDeletionGraceMs!: number;

  /** Raw files are deleted this many days after their fetch date, once every group below has curated them; 0 keeps them. */
  @IsInt() @Min(0) @Max(36_500)
  rawRetentionDays!: number;

  /** Raw files no group ever consumed (never announced) are deleted this many days after the retention. */
  @IsInt() @Min(0) @Max(36_500)
  rawUnconsumedGraceDays!: number;

  /** Consumer groups that must all have curated a raw file before it is deleted (default: the normalizer's group). */
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsString({ each: true }) @MinLength(1, { each: true })
  rawRetentionGroups?: string[];
}

export const MAINTENANCE_APP_SETTINGS: EnvSetting<keyof MaintenanceAppConfig>[] = [
  ...CATALOG_APP_SETTINGS,
  { env: 'FLUXO_COMPACT_TARGET_FILE_MB', field: 'compactTargetFileMb', kind: 'int', default: '64', description: 'Compaction merges small files up to this size' },
  { env: 'FLUXO_SNAPSHOT_RETENTION_MS', field: 'snapshotRetentionMs', kind: 'int', default: '3600000', description: 'Snapshots older than this are expired' },
  { env: 'FLUXO_FILE_DELETION_GRACE_MS', field: 'fileDeletionGraceMs', kind: 'int', default: '600000', description: 'Unreferenced files are deleted this long after (longer than any query)' },
  { env: 'FLUXO_RAW_RETENTION_DAYS', field: 'rawRetentionDays', kind: 'int', default: '7', description: 'Raw files are deleted this many days after their fetch date, once every group below curated them (0: keep)' },
  { env: 'FLUXO_RAW_UNCONSUMED_GRACE_DAYS', field: 'rawUnconsumedGraceDays', kind: 'int', default: '1', description: 'Raw files no group consumed are deleted this long after the retention, and only while no reference waits in the raw topic for a group below' },
  { env: 'FLUXO_RAW_RETENTION_GROUPS', field: 'rawRetentionGroups', kind: 'list', description: 'Consumer groups that must all have curated a raw file before deletion (default: FLUXO_NORMALIZER_GROUP)' },
];
