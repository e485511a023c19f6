/**
 * An S3-compatible object store (AWS S3, MinIO, versitygw, Cloudflare R2, …) through the AWS SDK. Presigned URLs
 * point at the store itself — at `publicEndpoint` when clients reach it under another address than the webapp does.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  DEFAULT_PRESIGN_SECONDS,
  assertObjectKey,
  type ObjectInfo,
  type ObjectStore,
  type PresignMethod,
  type StoredObject,
} from "./object-store.js";

export interface S3ObjectStoreOptions {
  /** The S3 API endpoint, e.g. http://127.0.0.1:9000 (omit for AWS S3 itself). */
  endpoint?: string;
  /** Endpoint presigned URLs are made for, when clients reach the store elsewhere (default: `endpoint`). */
  publicEndpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key` (what most self-hosted stores need). */
  forcePathStyle: boolean;
}

export class S3ObjectStore implements ObjectStore {
  readonly kind = "s3";
  private readonly client: S3Client;
  private readonly presignClient: S3Client;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.client = s3Client(options, options.endpoint);
    this.presignClient = options.publicEndpoint ? s3Client(options, options.publicEndpoint) : this.client;
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    assertObjectKey(key);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    assertObjectKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      const body = Buffer.from(await response.Body!.transformToByteArray());
      return { body, size: body.length, contentType: response.ContentType ?? "application/octet-stream" };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return { size: response.ContentLength ?? 0, contentType: response.ContentType ?? "application/octet-stream" };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async presign(method: PresignMethod, key: string, expiresInSeconds = DEFAULT_PRESIGN_SECONDS): Promise<string> {
    assertObjectKey(key);
    const command =
      method === "GET"
        ? new GetObjectCommand({ Bucket: this.options.bucket, Key: key })
        : new PutObjectCommand({ Bucket: this.options.bucket, Key: key });
    return getSignedUrl(this.presignClient, command, { expiresIn: expiresInSeconds });
  }

  async ensureReady(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      if (!isNotFound(error))
        throw new Error(
          `object store: cannot reach bucket "${this.options.bucket}" at ${this.options.endpoint ?? "AWS S3"}: ${(error as Error).message}`,
        );
      await this.client.send(new CreateBucketCommand({ Bucket: this.options.bucket }));
    }
  }
}

function s3Client(options: S3ObjectStoreOptions, endpoint: string | undefined): S3Client {
  return new S3Client({
    endpoint,
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Checksums only where S3 requires them: presigned PUTs must not demand a checksum the uploader cannot know,
    // and not every S3-compatible store answers with one.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return (
    error.$metadata.httpStatusCode === 404 ||
    error.name === "NoSuchKey" ||
    error.name === "NotFound" ||
    error.name === "NoSuchBucket"
  );
}
