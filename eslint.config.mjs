// ESLint checks what needs the TypeScript type checker or a per-folder import map: no floating promises, and where
// things live (docs/architecture.md, "Where things live"). Import cycles and formatting are Biome's (biome.jsonc).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

const root = new URL("./", import.meta.url);
/**
 * Workspace package folders, read from pnpm-workspace.yaml (`examples/*` expanded) so that a new package is covered
 * the day it is added; their package.json `exports` are the only subpaths other packages may import.
 */
const PACKAGE_FOLDERS = readFileSync(new URL("pnpm-workspace.yaml", root), "utf8")
  .split("\n")
  .map((line) => /^\s+-\s+["']?([^"'\s#]+)/.exec(line)?.[1])
  .filter((folder) => folder !== undefined)
  .flatMap((folder) =>
    folder.endsWith("/*")
      ? readdirSync(new URL(folder.slice(0, -1), root), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${folder.slice(0, -1)}${entry.name}`)
      : [folder],
  )
  .filter((folder) => existsSync(new URL(`${folder}/package.json`, root)));

/** Each package's tsconfig.json and those one folder down (dashboard/ui); a file is checked with the one including it. */
const TSCONFIGS = [
  ...new Set(
    PACKAGE_FOLDERS.flatMap((folder) => [
      folder,
      ...readdirSync(new URL(folder, root), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== "node_modules")
        .map((entry) => `${folder}/${entry.name}`),
    ]).map((folder) => `${folder}/tsconfig.json`),
  ),
].filter((tsconfig) => existsSync(new URL(tsconfig, root)));

const manifest = (folder) => JSON.parse(readFileSync(new URL(`${folder}/package.json`, root), "utf8"));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `@stint/sdk/v3`, `@stint/object-store/embedded`, …: every exported subpath of every workspace package. */
const exportedSubpaths = PACKAGE_FOLDERS.flatMap((folder) => {
  const { name, exports = {} } = manifest(folder);
  return Object.keys(exports)
    .filter((key) => key !== ".")
    .map((key) => `${name}${key.slice(1)}`);
});

// Each restriction is a no-restricted-imports pattern; a folder's list is everything that applies to its files.
const deepTemporal = {
  regex: "^@temporalio/[^/]+/.",
  message: "Import @temporalio packages from their entry: files under lib/ are not their public API.",
};
const deepWorkspace = {
  regex: `^(?!(${exportedSubpaths.map(escape).join("|")})$)@stint/[^/]+/.`,
  message: "Import another Stint package through its entry or a subpath its package.json exports.",
};
/** A relative import that reaches into another package's folder (`../../cli/test/…`). */
const relativeInto = (...folders) => ({
  regex: `^(\\.\\./)+(${folders.map(escape).join("|")})(/|$)`,
  message: "Import another workspace package by its name (and exports), not by a relative path into its folder.",
});
const packages = (...names) => ({
  regex: `^@stint/(${names.map(escape).join("|")})(/|$)`,
  message: "Packages depend one way: sdk ← temporal-workers ← cli, dashboard, supervisor (see docs/architecture.md).",
});
/** Tests may drive another package through its test harness (its `./testing` export), never through its code. */
const packagesButTheirTesting = (...names) => ({
  ...packages(...names),
  regex: `^@stint/(${names.map(escape).join("|")})(?!/testing$)(/|$)`,
});
const workflowCode = {
  regex: "(^|/)workflows(/|$)",
  message:
    "Workflow code runs in Temporal's sandbox; clients and activities use shared/ contracts, not workflows/ (docs/architecture.md).",
};
const notInWorkflows = {
  regex:
    "^(node:|@temporalio/(client|worker|activity|testing)$|(\\.\\./)+(client|worker|executor|dev-server|packets)/)",
  message: "Workflows are deterministic: they may import workflows/, shared/, activity types and @temporalio/workflow.",
};
const serverCodeInUi = {
  regex: "^(node:|@temporalio/|@prisma/|pg$|hono|@stint/(?!sdk/(runtime|run-status)$)|(\\.\\./)+src/)",
  message: "The dashboard UI runs in the browser and talks to /ui-api only: no server code (docs/architecture.md).",
};

const everywhere = [deepTemporal, deepWorkspace];
const engine = [
  ...everywhere,
  packages("cli", "dashboard", "supervisor"),
  relativeInto("sdk", "object-store", "dashboard", "supervisor", "bench", "examples"),
];
const engineClientSide = [...engine, workflowCode];
const webapp = (cli) => [
  ...everywhere,
  cli,
  relativeInto("sdk", "temporal-workers", "object-store", "supervisor", "bench", "examples"),
  workflowCode,
];
const supervisor = (stintPackages) => [
  ...everywhere,
  stintPackages,
  relativeInto("sdk", "temporal-workers", "object-store", "dashboard", "bench", "examples"),
  workflowCode,
];

/** Where things live: each folder's files, and the imports they may not make. Later entries win for their files. */
const LAYERS = [
  { files: ["**/*"], forbid: everywhere },
  {
    files: ["sdk/**"],
    forbid: [
      ...everywhere,
      packages("temporal-workers", "object-store", "dashboard", "cli", "supervisor"),
      relativeInto("cli", "temporal-workers", "object-store", "dashboard", "supervisor", "bench", "examples"),
    ],
  },
  {
    files: ["cli/**"],
    forbid: [
      ...everywhere,
      packages("dashboard", "supervisor"),
      relativeInto("sdk", "temporal-workers", "object-store", "dashboard", "supervisor", "bench", "examples"),
    ],
  },
  {
    files: ["object-store/**"],
    forbid: [
      ...everywhere,
      packages("sdk", "temporal-workers", "dashboard", "cli", "supervisor"),
      relativeInto("sdk", "temporal-workers", "dashboard", "supervisor", "bench", "examples"),
    ],
  },
  { files: ["temporal-workers/**"], forbid: engine },
  { files: ["temporal-workers/src/client/**", "temporal-workers/src/activities/**"], forbid: engineClientSide },
  { files: ["temporal-workers/src/workflows/**"], forbid: [...engine, notInWorkflows] },
  { files: ["supervisor/**"], forbid: supervisor(packages("cli", "dashboard")) },
  // Its tests may start a real webapp (a devDependency) to drive a worker server against it.
  { files: ["supervisor/test/**"], forbid: supervisor(packages("cli")) },
  { files: ["dashboard/**"], forbid: webapp(packages("cli")) },
  { files: ["dashboard/test/**"], forbid: webapp(packagesButTheirTesting("cli")) },
  { files: ["dashboard/ui/**"], forbid: [...webapp(packages("cli")), serverCodeInUi] },

  {
    files: ["bench/**", "examples/**"],
    forbid: [...everywhere, relativeInto("sdk", "temporal-workers", "object-store", "dashboard", "supervisor")],
  },

  // Temporary exceptions, each naming its files: issue 11 (one way to Temporal, one home per contract) removes them.
  // Delete a file from its list when it stops needing it; never add a folder.
];

const TYPESCRIPT = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"];

export default defineConfig(
  {
    ignores: [
      "**/node_modules/",
      "**/dist/",
      // What `stint dev` and `npm start` build into a project (.gitignore'd), bundled third-party code among it.
      "**/.stint/",
      "dashboard/src/generated/",
      "dashboard/ui/.next/",
      "dashboard/ui/out/",
      "**/*.d.ts",
      // User projects that the CLI builds in tests; they are not workspace packages.
      "**/test/fixtures/",
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  {
    files: TYPESCRIPT,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { tsconfigRootDir: import.meta.dirname, project: TSCONFIGS },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  ...LAYERS.map(({ files, ignores, forbid }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { "no-restricted-imports": ["error", { patterns: forbid }] },
  })),
);
