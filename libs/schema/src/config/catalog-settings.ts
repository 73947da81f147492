import { IsString, Matches } from 'class-validator';
import { PIPELINE_APP_SETTINGS, PipelineAppConfig } from './common-settings';
import type { EnvSetting } from './env-config';

/** Settings of the apps that read or write the curated tables (normalizer, dashboard). */
export class CatalogAppConfig extends PipelineAppConfig {
  /** `sqlite:<path>` (embedded, one writer) or `postgres:<libpq connection string>` (several writers). */
  @IsString() @Matches(/^(sqlite|postgres|postgresql):\S/, { message: 'must be sqlite:<path> or postgres:<libpq connection string>' })
  catalog!: string;
}

export const CATALOG_APP_SETTINGS: EnvSetting<keyof CatalogAppConfig>[] = [
  ...PIPELINE_APP_SETTINGS,
  {
    env: 'FLUXO_CATALOG',
    field: 'catalog',
    kind: 'string',
    default: 'sqlite:.fluxo/catalog/fluxo.sqlite',
    description: 'Table catalog: sqlite:<path>, or postgres:<libpq string> for several normalizers (password via PGPASSWORD)',
  },
];
