export { connectSparkSession, SparkSession, type SparkSessionOptions, type QueryOptions, type QueryResult, type QueryProgress } from './session';
export { SparkConnectError, type SparkConnectErrorCode, type SparkErrorDetails } from './errors';
export { parseRemote, describeRemote, type SparkRemote } from './remote';
export { type TlsOptions } from './connection';
export { type SqlValue, type SqlParameters } from './parameters';
export { timestampMicros, decimalString, isoMicros } from './exact-values';
