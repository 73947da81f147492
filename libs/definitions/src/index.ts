export { loadDefinitionCatalog } from './definition-files';
export { DefinitionWatcher, type DefinitionChange, type DefinitionWatcherOptions } from './definition-watcher';
