/**
 * A deployment's bundle: the files of its build (task files, shared chunks, the built trigger.config), as
 * `stint deploy` uploads them. Kept in the object store as one gzip-compressed JSON object per version, so a
 * supervisor gets a version's code in one read.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";
import { ApiError } from "../api/api-error.js";

/** Upload bodies are gzip-compressed; past this once uncompressed a bundle is refused. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** `/`-separated and relative, without empty, "." or ".." segments: a supervisor writes it under the version's folder. */
const relativePath = z
  .string()
  .min(1)
  .max(1_000)
  .refine(
    (path) =>
      !path.startsWith("/") &&
      !/[\\\u0000]/.test(path) &&
      path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== ".."),
    {
      message:
        'a relative path inside the bundle ("src/trigger/a.mjs"): no leading "/", no "." or ".." segments, no backslashes',
    },
  );

export const deploymentBundleSchema = z
  .object({
    /** The build's files (UTF-8 text: esbuild writes JavaScript), by path relative to the version's folder. */
    files: z
      .array(z.object({ path: relativePath, contents: z.string() }))
      .min(1, "a bundle has at least one file")
      .max(10_000, "at most 10000 files per bundle"),
    /** The task files among them, with the project source each was built from (`src/trigger/a.ts`). */
    entries: z
      .array(z.object({ file: relativePath, source: z.string().max(1_000) }))
      .min(1, "a bundle has at least one task file"),
    /** The built trigger.config among them. */
    configFile: relativePath.optional(),
  })
  .superRefine((bundle, ctx) => {
    const paths = new Set<string>();
    bundle.files.forEach((file, index) => {
      if (paths.has(file.path))
        ctx.addIssue({ code: "custom", path: ["files", index, "path"], message: `${file.path} appears twice` });
      paths.add(file.path);
    });
    bundle.entries.forEach((entry, index) => {
      if (!paths.has(entry.file))
        ctx.addIssue({
          code: "custom",
          path: ["entries", index, "file"],
          message: `${entry.file} is not among the files`,
        });
    });
    if (bundle.configFile && !paths.has(bundle.configFile))
      ctx.addIssue({ code: "custom", path: ["configFile"], message: `${bundle.configFile} is not among the files` });
  });

export type DeploymentBundleFiles = z.infer<typeof deploymentBundleSchema>;

/** Where a version's bundle lives in the object store. */
export function bundleObjectKey(environmentId: string, version: string): string {
  return `deployments/${environmentId}/${version}/bundle.json.gz`;
}

/** An upload body: gzip-compressed JSON (Content-Type application/gzip), or plain JSON. */
export function decodeBundleUpload(body: Uint8Array, contentType: string | undefined): unknown {
  let text: string;
  if (/gzip/i.test(contentType ?? "")) {
    try {
      text = gunzipSync(body, { maxOutputLength: MAX_BUNDLE_BYTES }).toString("utf8");
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      if (tooLarge)
        throw new ApiError(413, `body: a bundle may be at most ${MAX_BUNDLE_BYTES / 1024 / 1024} MB uncompressed`);
      throw new ApiError(
        400,
        "body: not valid gzip; send the bundle's JSON gzip-compressed with Content-Type: application/gzip",
      );
    }
  } else {
    text = Buffer.from(body).toString("utf8");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'body: not valid JSON; send { "files": [...], "entries": [...], "configFile": ... }');
  }
}

export function encodeStoredBundle(bundle: DeploymentBundleFiles): Buffer {
  return gzipSync(JSON.stringify(bundle));
}

export function decodeStoredBundle(stored: Uint8Array): DeploymentBundleFiles {
  return deploymentBundleSchema.parse(
    JSON.parse(gunzipSync(stored, { maxOutputLength: MAX_BUNDLE_BYTES }).toString("utf8")),
  );
}
