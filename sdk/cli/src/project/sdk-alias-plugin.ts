/**
 * esbuild plugin: `@trigger.dev/sdk`, `@trigger.dev/sdk/v3` and `@stint/sdk` resolve to this repository's SDK, even
 * where the user project does not install them. They stay external (an absolute import), so the bundle shares the
 * very SDK module instance the engine uses in this process.
 */
import type { Plugin } from "esbuild";
import { fileURLToPath } from "node:url";

const SDK_ENTRIES: Record<string, string> = {
  "@trigger.dev/sdk": "index.ts",
  "@trigger.dev/sdk/v3": "v3.ts",
  "@stint/sdk": "index.ts",
  "@stint/sdk/v3": "v3.ts",
};

export function sdkEntryPath(file: string): string {
  return fileURLToPath(new URL(`../../../src/${file}`, import.meta.url));
}

export function sdkAliasPlugin(): Plugin {
  return {
    name: "stint-sdk-alias",
    setup(build) {
      build.onResolve({ filter: /^(@trigger\.dev\/sdk|@stint\/sdk)(\/v3)?$/ }, (args) => ({
        path: sdkEntryPath(SDK_ENTRIES[args.path]!),
        external: true,
      }));
    },
  };
}
