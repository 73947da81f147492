export { loadDefinitionCatalog } from './definition-files';
