import type { TableSpec } from '../table-spec';

/** The smallest curated table the specs need: an event id and time, the (key, version) identity, a latest view. */
export const QUAKES_TABLE: TableSpec = {
  name: 'quakes',
  columns: [
    { name: 'event_id', sqlType: 'VARCHAR' },
    { name: 'event_time', sqlType: 'TIMESTAMPTZ' },
    { name: '_record_key', sqlType: 'VARCHAR' },
    { name: '_record_version', sqlType: 'VARCHAR' },
  ],
  eventTimeColumn: 'event_time',
  identity: { key: '_record_key', version: '_record_version' },
  latest: { entityKey: ['event_id'], versionColumn: '_record_version' },
};
