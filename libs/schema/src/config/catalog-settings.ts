import { IsString, Matches, MinLength } from 'class-validator';
import { PIPELINE_APP_SETTINGS, PipelineAppConfig } from './common-settings';
import type { EnvSetting } from './env-config';

/** Settings of the apps that read or write the curated tables (normalizer, dashboard). */
export class CatalogAppConfig extends PipelineAppConfig {
  /** `sqlite:<path>` (embedded, one writer) or `postgres:<libpq connection string>` (several writers). */
  @IsString() @Matches(/^(sqlite|postgres|postgresql):\S/, { message: 'must be sqlite:<path> or postgres:<libpq connection string>' })
  catalog!: string;

  /** Where DuckDB finds the ducklake, sqlite and postgres extensions (tools/duckdb-extensions installs them). */
  @IsString() @MinLength(1)
  duckdbExtensionDir!: string;
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
  { env: 'FLUXO_DUCKDB_EXTENSION_DIR', field: 'duckdbExtensionDir', kind: 'string', default: '.fluxo/duckdb-extensions', description: 'DuckDB extensions (installed by tools/duckdb-extensions)' },
];
