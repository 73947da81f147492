/**
 * The slice of Spark Connect's gRPC protocol this client speaks, typed by hand from the vendored
 * `proto/spark/connect/base.proto` (field names as in the .proto: snake_case). The wire format comes
 * from the descriptor generated from those files (`generated/spark-connect.json`); nothing here is
 * generated code. int64 fields arrive as decimal strings; oneofs name their set field in a virtual
 * property (e.g. `response_type: 'arrow_batch'`).
 */
import type { ClientReadableStream, ClientUnaryCall, Metadata, CallOptions, ServiceError, ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';

export interface UserContext {
  user_id: string;
  user_name?: string;
}

/** Fields every request carries. */
export interface RequestBase {
  session_id: string;
  user_context: UserContext;
  client_type?: string;
  client_observed_server_side_session_id?: string;
}

export interface ExpressionLiteral {
  null?: { null: Record<string, never> };
  binary?: Uint8Array;
  boolean?: boolean;
  integer?: number;
  long?: string;
  double?: number;
  string?: string;
  date?: number;
  timestamp?: string;
  decimal?: { value: string };
}

export interface Expression {
  literal: ExpressionLiteral;
}

export interface SqlRelation {
  query: string;
  named_arguments?: Record<string, Expression>;
  pos_arguments?: Expression[];
}

export interface Plan {
  root: { sql: SqlRelation };
}

export interface RequestOption {
  reattach_options?: { reattachable: boolean };
}

export interface ExecutePlanRequest extends RequestBase {
  operation_id: string;
  plan: Plan;
  request_options?: RequestOption[];
  tags?: string[];
}

export interface ArrowBatch {
  row_count?: string;
  data: Buffer;
  start_offset?: string;
  chunk_index?: string;
  num_chunks_in_batch?: string;
}

export interface ExecutionProgress {
  stages?: { stage_id?: string; num_tasks?: string; num_completed_tasks?: string; input_bytes_read?: string; done?: boolean }[];
  num_inflight_tasks?: string;
}

export interface ExecutePlanResponse {
  session_id: string;
  server_side_session_id?: string;
  operation_id: string;
  response_id?: string;
  response_type?: string;
  arrow_batch?: ArrowBatch;
  result_complete?: Record<string, never>;
  execution_progress?: ExecutionProgress;
}

export interface ReattachExecuteRequest extends RequestBase {
  operation_id: string;
  last_response_id?: string;
}

export interface ReleaseExecuteRequest extends RequestBase {
  operation_id: string;
  release_all?: Record<string, never>;
  release_until?: { response_id: string };
}

export interface ReleaseExecuteResponse {
  session_id: string;
  server_side_session_id?: string;
  operation_id?: string;
}

export type InterruptType = 'INTERRUPT_TYPE_ALL' | 'INTERRUPT_TYPE_TAG' | 'INTERRUPT_TYPE_OPERATION_ID';

export interface InterruptRequest extends RequestBase {
  interrupt_type: InterruptType;
  operation_tag?: string;
  operation_id?: string;
}

export interface InterruptResponse {
  session_id: string;
  server_side_session_id?: string;
  interrupted_ids?: string[];
}

export interface KeyValue {
  key: string;
  value?: string;
}

export interface ConfigRequest extends RequestBase {
  operation: { set: { pairs: KeyValue[] } } | { get_option: { keys: string[] } };
}

export interface ConfigResponse {
  session_id: string;
  server_side_session_id?: string;
  pairs?: KeyValue[];
  warnings?: string[];
}

export interface AnalyzePlanRequest extends RequestBase {
  spark_version: Record<string, never>;
}

export interface AnalyzePlanResponse {
  session_id: string;
  server_side_session_id?: string;
  spark_version?: { version: string };
}

export interface ReleaseSessionRequest extends RequestBase {
  allow_reconnect?: boolean;
}

export interface ReleaseSessionResponse {
  session_id: string;
  server_side_session_id?: string;
}

export interface FetchErrorDetailsRequest extends RequestBase {
  error_id: string;
}

export interface FetchErrorDetailsResponse {
  root_error_idx?: number;
  errors?: { error_type_hierarchy?: string[]; message?: string; cause_idx?: number }[];
}

export type UnaryCallback<Response> = (error: ServiceError | null, response?: Response) => void;
type Unary<Request, Response> = (request: Request, metadata: Metadata, options: CallOptions, callback: UnaryCallback<Response>) => ClientUnaryCall;

/** The generated client, as grpc-js builds it from the descriptor. */
export interface SparkConnectServiceClient {
  ExecutePlan(request: ExecutePlanRequest, metadata: Metadata, options?: CallOptions): ClientReadableStream<ExecutePlanResponse>;
  ReattachExecute(request: ReattachExecuteRequest, metadata: Metadata, options?: CallOptions): ClientReadableStream<ExecutePlanResponse>;
  ReleaseExecute: Unary<ReleaseExecuteRequest, ReleaseExecuteResponse>;
  Interrupt: Unary<InterruptRequest, InterruptResponse>;
  Config: Unary<ConfigRequest, ConfigResponse>;
  AnalyzePlan: Unary<AnalyzePlanRequest, AnalyzePlanResponse>;
  ReleaseSession: Unary<ReleaseSessionRequest, ReleaseSessionResponse>;
  FetchErrorDetails: Unary<FetchErrorDetailsRequest, FetchErrorDetailsResponse>;
  close(): void;
}

export type SparkConnectServiceConstructor = new (address: string, credentials: ChannelCredentials, options?: ChannelOptions) => SparkConnectServiceClient;
