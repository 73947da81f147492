export { loadDefinitionCatalog } from './definition-files';
export { DefinitionWatcher, describeChange, type DefinitionChange, type DefinitionWatcherOptions } from './definition-watcher';
