// @ts-check
/** The vendored protocol files and how the run-time descriptor is derived from them (shared by sync-protos.mjs and the spec that checks it). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const LIB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PROTO_DIR = join(LIB_DIR, 'proto');
export const PROVENANCE_PATH = join(PROTO_DIR, 'PROVENANCE.json');
export const DESCRIPTOR_PATH = join(LIB_DIR, 'src', 'generated', 'spark-connect.json');

/** Everything base.proto needs (example_plugins.proto is a server-side sample and is left out), plus gRPC's rich error status. */
export const VENDORED_FILES = [
  'spark/connect/base.proto',
  'spark/connect/catalog.proto',
  'spark/connect/commands.proto',
  'spark/connect/common.proto',
  'spark/connect/expressions.proto',
  'spark/connect/ml.proto',
  'spark/connect/ml_common.proto',
  'spark/connect/pipelines.proto',
  'spark/connect/relations.proto',
  'spark/connect/types.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

/**
 * Parses the vendored files (field names as written: snake_case) into protobufjs's JSON form.
 * Well-known google/protobuf types come from protobufjs itself.
 * @returns {object}
 */
export function buildDescriptor() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_DIR, target));
  root.loadSync(['spark/connect/base.proto', 'google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
  return root.toJSON({ keepComments: false });
}
