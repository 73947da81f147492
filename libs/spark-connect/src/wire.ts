/**
 * Loads the Spark Connect protocol from the descriptor generated from the vendored .proto files
 * (see proto/PROVENANCE.json and scripts/sync-protos.mjs): the gRPC service for grpc-js, and the
 * `google.rpc.Status` / `ErrorInfo` codecs for rich errors. Loaded once per process, lazily.
 */
import { makeClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptorJson from './generated/spark-connect.json';
import type { SparkConnectServiceConstructor } from './protocol';

/** How int64, enums and oneofs look in messages (see protocol.ts). */
const descriptor = descriptorJson as unknown as protobuf.INamespace;

const LOADER_OPTIONS = { longs: String, enums: String, defaults: false, oneofs: true } as const;

let service: SparkConnectServiceConstructor | undefined;
let statusCodec: { status: protobuf.Type; errorInfo: protobuf.Type } | undefined;

export function sparkConnectServiceClient(): SparkConnectServiceConstructor {
  if (service === undefined) {
    const definition = fromJSON(descriptor, LOADER_OPTIONS);
    const methods = definition['spark.connect.SparkConnectService'] as ServiceDefinition;
    service = makeClientConstructor(methods, 'spark.connect.SparkConnectService') as unknown as SparkConnectServiceConstructor;
  }
  return service;
}

export interface ErrorInfo {
  readonly reason: string;
  readonly domain: string;
  readonly metadata: Readonly<Record<string, string>>;
}

const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

/** The `google.rpc.ErrorInfo` inside a `grpc-status-details-bin` trailer, if any. Never throws. */
export function decodeErrorInfo(statusDetails: Buffer): ErrorInfo | undefined {
  try {
    statusCodec ??= (() => {
      const root = protobuf.Root.fromJSON(descriptor);
      return { status: root.lookupType('google.rpc.Status'), errorInfo: root.lookupType('google.rpc.ErrorInfo') };
    })();
    const codec = statusCodec;
    const status = codec.status.toObject(codec.status.decode(statusDetails), { defaults: true }) as { details: { type_url: string; value: Uint8Array }[] };
    const any = status.details.find((detail) => detail.type_url === ERROR_INFO_TYPE_URL);
    if (any === undefined) return undefined;
    const info = codec.errorInfo.toObject(codec.errorInfo.decode(any.value), { defaults: true }) as ErrorInfo;
    return { reason: info.reason, domain: info.domain, metadata: { ...info.metadata } };
  } catch {
    return undefined;
  }
}
