/**
 * Which object store a process uses, from its environment: the embedded store unless OBJECT_STORE_BASE_URL names an
 * S3-compatible endpoint (the variable names Trigger.dev's self-hosting uses, plus OBJECT_STORE_BUCKET).
 */
import { z } from "zod";
import { FileObjectStore } from "./file-object-store.js";
import type { ObjectStore } from "./object-store.js";

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const booleanText = (name: string) =>
  z
    .enum(["true", "false", "1", "0"], { errorMap: () => ({ message: `${name}: expected true or false` }) })
    .transform((value) => value === "true" || value === "1");

const envSchema = z
  .object({
    OBJECT_STORE_BASE_URL: z
      .string()
      .url("OBJECT_STORE_BASE_URL: expected the S3 endpoint's URL, e.g. http://127.0.0.1:9000")
      .optional(),
    OBJECT_STORE_PUBLIC_URL: z
      .string()
      .url("OBJECT_STORE_PUBLIC_URL: expected a URL, e.g. https://s3.example.com")
      .optional(),
    OBJECT_STORE_BUCKET: z
      .string()
      .regex(BUCKET, "OBJECT_STORE_BUCKET: 3–63 lowercase letters, digits, dots or hyphens")
      .default("packets"),
    OBJECT_STORE_ACCESS_KEY_ID: z.string().min(1).optional(),
    OBJECT_STORE_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    OBJECT_STORE_REGION: z.string().min(1).default("us-east-1"),
    OBJECT_STORE_FORCE_PATH_STYLE: booleanText("OBJECT_STORE_FORCE_PATH_STYLE").default("true"),
  })
  .superRefine((env, ctx) => {
    if (!env.OBJECT_STORE_BASE_URL) return;
    for (const name of ["OBJECT_STORE_ACCESS_KEY_ID", "OBJECT_STORE_SECRET_ACCESS_KEY"] as const) {
      if (!env[name])
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `${name}: required when OBJECT_STORE_BASE_URL is set`,
        });
    }
  });

export type ObjectStoreConfig =
  | { kind: "embedded" }
  | {
      kind: "s3";
      endpoint: string;
      publicEndpoint?: string;
      bucket: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      forcePathStyle: boolean;
    };

/** Reads the OBJECT_STORE_* variables; a bad value throws an error naming the variable and the fix. */
export function objectStoreConfigFromEnv(env: Record<string, string | undefined> = process.env): ObjectStoreConfig {
  const picked = Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) => name.startsWith("OBJECT_STORE_") && value !== undefined && value !== "",
    ),
  );
  const result = envSchema.safeParse(picked);
  if (!result.success)
    throw new Error(`object store settings: ${result.error.issues.map((issue) => issue.message).join("; ")}`);
  const valid = result.data;
  if (!valid.OBJECT_STORE_BASE_URL) return { kind: "embedded" };
  return {
    kind: "s3",
    endpoint: valid.OBJECT_STORE_BASE_URL,
    publicEndpoint: valid.OBJECT_STORE_PUBLIC_URL,
    bucket: valid.OBJECT_STORE_BUCKET,
    region: valid.OBJECT_STORE_REGION,
    accessKeyId: valid.OBJECT_STORE_ACCESS_KEY_ID!,
    secretAccessKey: valid.OBJECT_STORE_SECRET_ACCESS_KEY!,
    forcePathStyle: valid.OBJECT_STORE_FORCE_PATH_STYLE,
  };
}

export interface EmbeddedStoreSettings {
  /** Folder of the embedded store. */
  root: string;
  /** The webapp's public URL: the embedded store's presigned URLs point at it. */
  publicUrl: string | (() => string);
  maxUploadBytes: number;
}

/** The AWS SDK is loaded only for an S3 store: processes on the embedded store do not pay its start-up time. */
export async function createObjectStore(
  config: ObjectStoreConfig,
  embedded: EmbeddedStoreSettings,
): Promise<ObjectStore> {
  if (config.kind === "embedded") return new FileObjectStore(embedded);
  const { kind: _kind, ...s3 } = config;
  const { S3ObjectStore } = await import("./s3-object-store.js");
  return new S3ObjectStore(s3);
}
