import { credentials, Metadata, type CallOptions, type ChannelCredentials, type ClientUnaryCall } from '@grpc/grpc-js';
import { SparkConnectError } from './errors';
import { toSparkConnectError, type CallContext } from './grpc-errors';
import type { SparkConnectServiceClient, UnaryCallback } from './protocol';
import { describeRemote, grpcTarget, type SparkRemote } from './remote';
import { sparkConnectServiceClient } from './wire';

/** TLS settings beyond the system's trust store (for `use_ssl=true` remotes). */
export interface TlsOptions {
  /** PEM certificates to trust instead of the system roots (a private CA, a self-signed server). */
  readonly rootCertificates?: Buffer;
  /** Host name to verify the server certificate against, when it differs from the remote's host. */
  readonly serverName?: string;
}

export interface ConnectionOptions {
  readonly tls?: TlsOptions;
  /** Largest message accepted or sent; an Arrow batch must fit. Default 128 MiB. */
  readonly maxMessageBytes?: number;
  readonly userAgent: string;
}

const DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/** One gRPC channel to a Spark Connect server, with the remote's authentication and headers on every call. */
export class Connection {
  readonly client: SparkConnectServiceClient;
  readonly description: string;
  private readonly plaintextToken: string | undefined;

  constructor(
    readonly remote: SparkRemote,
    options: ConnectionOptions,
  ) {
    this.description = describeRemote(remote);
    const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const Client = sparkConnectServiceClient();
    this.client = new Client(grpcTarget(remote), channelCredentials(remote, options.tls), {
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
      'grpc.primary_user_agent': options.userAgent,
      ...(options.tls?.serverName === undefined ? {} : { 'grpc.ssl_target_name_override': options.tls.serverName, 'grpc.default_authority': options.tls.serverName }),
    });
    // Over TLS the token travels as call credentials; grpc-js refuses those on a plaintext channel,
    // so on loopback (the only plaintext case parseRemote allows with a token) it is a header.
    this.plaintextToken = remote.useSsl ? undefined : remote.token;
  }

  /** Fresh metadata for one call: the remote's extra headers (and the token on loopback plaintext). */
  metadata(): Metadata {
    const metadata = new Metadata();
    for (const [name, value] of Object.entries(this.remote.headers)) metadata.set(name, value);
    if (this.plaintextToken !== undefined) metadata.set('authorization', `Bearer ${this.plaintextToken}`);
    return metadata;
  }

  /** Runs a unary call; gRPC failures become `SparkConnectError`s. The signal cancels the call. */
  unary<Request, Response>(
    method: (request: Request, metadata: Metadata, options: CallOptions, callback: UnaryCallback<Response>) => ClientUnaryCall,
    request: Request,
    context: CallContext,
    signal?: AbortSignal,
  ): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new SparkConnectError('CANCELLED', 'Cancelled before the call started', { cause: signal.reason, details: { operationId: context.operationId } }));
        return;
      }
      const call = method.call(this.client, request, this.metadata(), {}, (error, response) => {
        signal?.removeEventListener('abort', onAbort);
        if (error !== null) reject(toSparkConnectError(error, context));
        else if (response === undefined) reject(new SparkConnectError('PROTOCOL', `Empty response from ${this.description}`));
        else resolve(response);
      });
      const onAbort = (): void => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}

function channelCredentials(remote: SparkRemote, tls: TlsOptions | undefined): ChannelCredentials {
  if (!remote.useSsl) return credentials.createInsecure();
  const ssl = credentials.createSsl(tls?.rootCertificates ?? null);
  const token = remote.token;
  if (token === undefined) return ssl;
  const bearer = credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    callback(null, metadata);
  });
  return credentials.combineChannelCredentials(ssl, bearer);
}
