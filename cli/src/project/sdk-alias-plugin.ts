/**
 * esbuild plugin: `@trigger.dev/sdk` (and its subpaths: `/v3`, `/ai`, `/chat`, …) and `@stint/sdk` resolve to the
 * Stint SDK this CLI runs with (its `@stint/sdk` dependency: the workspace sources in a checkout, the package's dist/
 * once installed), even where the user project does not install them. The SDK is bundled into each build, so a bundle
 * version carries the SDK it was built with and runs as plain JavaScript in a runner; copies of the SDK in one process
 * share their state.
 */
import type { Plugin } from "esbuild";
import { createRequire } from "node:module";

/** The subpaths of @trigger.dev/sdk v4 (each has a Stint module of the same name). */
export const SDK_SUBPATHS = [
  "v3",
  "ai",
  "ai/test",
  "ai/skills-runtime",
  "chat",
  "chat/react",
  "chat-server",
  "oidc/aws",
] as const;

const SDK_ENTRIES: Record<string, string> = {
  "@trigger.dev/sdk": "@stint/sdk",
  "@stint/sdk": "@stint/sdk",
  ...Object.fromEntries(
    SDK_SUBPATHS.flatMap((subpath) => [
      [`@trigger.dev/sdk/${subpath}`, `@stint/sdk/${subpath}`],
      [`@stint/sdk/${subpath}`, `@stint/sdk/${subpath}`],
    ]),
  ),
};

const require = createRequire(import.meta.url);

/** Absolute path of the SDK entry that `specifier` (e.g. "@trigger.dev/sdk/v3") stands for. */
export function sdkEntryPath(specifier: keyof typeof SDK_ENTRIES | string): string {
  const entry = SDK_ENTRIES[specifier];
  if (!entry) throw new Error(`not an SDK entry: ${specifier}`);
  return require.resolve(entry);
}

export function sdkAliasPlugin(): Plugin {
  return {
    name: "stint-sdk-alias",
    setup(build) {
      build.onResolve({ filter: /^(@trigger\.dev\/sdk|@stint\/sdk)(\/.*)?$/ }, (args) => {
        // Other subpaths (./package.json, /runtime…) resolve as usual.
        if (!SDK_ENTRIES[args.path]) return undefined;
        return { path: sdkEntryPath(args.path) };
      });
    },
  };
}
