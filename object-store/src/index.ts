/** @stint/object-store — where large payloads and outputs live: embedded files or an S3-compatible store. */
export {
  assertObjectKey,
  objectKeyProblem,
  DEFAULT_PRESIGN_SECONDS,
  type ObjectStore,
  type ObjectInfo,
  type StoredObject,
  type PresignMethod,
} from "./object-store.js";
export {
  FileObjectStore,
  EMBEDDED_OBJECTS_PATH,
  formatBytes,
  type FileObjectStoreOptions,
} from "./file-object-store.js";
// The S3 store is reached through createObjectStore, which loads the AWS SDK only when it is used.
export type { S3ObjectStore, S3ObjectStoreOptions } from "./s3-object-store.js";
export {
  objectStoreConfigFromEnv,
  createObjectStore,
  type ObjectStoreConfig,
  type EmbeddedStoreSettings,
} from "./object-store-config.js";
