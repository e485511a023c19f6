/**
 * `stint deploy`: bundles the project as `stint dev` does (the same esbuild alias), loads the build in a runner
 * process to index it (tasks, queues, schedules — no task code runs here), refuses a build error, a task file that
 * throws or a task id clash before anything is uploaded, then registers a new version with the webapp (manifest and
 * bundle) and makes it current for the environment. `--dry-run` prints the manifest and uploads nothing.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import {
  BundleStore,
  RunnerExecutor,
  childProcessLauncher,
  type BundleManifest,
  type RunnerBundle,
} from "@stint/temporal-workers";
import { findConfigFile, loadConfig } from "../project/load-config.js";
import { buildProject } from "../project/build-project.js";
import { deployManifestOf, deployProblems } from "../project/deploy-manifest.js";
import type { DeployManifest } from "../project/deploy-manifest-shape.js";
import {
  DEPLOY_ENVIRONMENTS,
  DeployRefused,
  resolveDeployTarget,
  type DeployEnvironmentName,
} from "../deploy-target.js";
import { packageVersions } from "../project/package-versions.js";
import { buildAndPushImage, registryProblem } from "../project/deployment-image.js";
import {
  failDeployment,
  finalizeDeployment,
  initializeDeployment,
  registerManifest,
  uploadBundle,
  type BundleUpload,
} from "../deploy-api.js";

export const deployOptionsSchema = z.object({
  cwd: z.string().default("."),
  env: z
    .enum(Object.keys(DEPLOY_ENVIRONMENTS) as [DeployEnvironmentName], {
      message: "--env must be prod, staging or preview",
    })
    .default("prod"),
  dryRun: z.boolean().default(false),
  /** Deploy without making the version current (promote it later from the dashboard or the API). */
  skipPromotion: z.boolean().default(false),
  apiUrl: z.string().url("--api-url must be a URL like http://127.0.0.1:3030").optional(),
  secretKey: z.string().optional(),
  accessToken: z
    .string()
    .regex(/^tr_pat_/, "--access-token / TRIGGER_ACCESS_TOKEN must be a personal access token (tr_pat_…)")
    .optional(),
  /** The `stint login` profile to deploy with (default: the current one, when no key or token is given). */
  profile: z.string().optional(),
  /** Also build the version's image and push it here (`host[:port][/namespace]`). */
  registry: z
    .string()
    .superRefine((value, ctx) => {
      const problem = registryProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  registryUsername: z.string().optional(),
  registryPassword: z.string().optional(),
  /** The image to build on (default: the newest local `stint-runtime` image). */
  baseImage: z.string().optional(),
});
export type DeployOptions = z.input<typeof deployOptionsSchema>;

export interface DeployResult {
  manifest: DeployManifest;
  /** Absent for a dry run. */
  deployment?: { id: string; version: string; shortCode: string; isCurrent: boolean };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function runDeploy(
  rawOptions: DeployOptions,
  log: (line: string) => void = (line) => console.log(line),
): Promise<DeployResult> {
  const options = deployOptionsSchema.parse(rawOptions);
  const environment = DEPLOY_ENVIRONMENTS[options.env];
  const projectDir = resolve(options.cwd);
  findConfigFile(projectDir);

  const workDir = join(projectDir, ".stint");
  mkdirSync(workDir, { recursive: true });
  const buildRoot = mkdtempSync(join(workDir, "deploy-"));
  try {
    const loaded = await loadConfig(projectDir, join(buildRoot, "config"));
    // Checked before the build: a wrong key should not cost a build.
    const target = options.dryRun ? undefined : await resolveDeployTarget(options, options.env, loaded.config.project);
    log(`Building ${relative(process.cwd(), projectDir) || "."}…`);
    const store = new BundleStore(join(buildRoot, "versions"));
    let bundle: RunnerBundle;
    let files: string[];
    try {
      ({ bundle, files } = await buildProject(projectDir, loaded.config, loaded.file, store));
    } catch (error) {
      throw new DeployRefused(`The build failed, nothing was deployed:\n${(error as Error).message}`);
    }
    log(`  Built ${files.length} task file(s) (content hash ${bundle.version})`);

    log("Indexing tasks…");
    const indexed = await indexBuild(projectDir, store, bundle);
    const problems = deployProblems(indexed);
    if (problems.length > 0)
      throw new DeployRefused(`Not deployable, nothing was deployed:\n${problems.map((p) => `  ✗ ${p}`).join("\n")}`);
    const manifest = deployManifestOf(indexed, packageVersions());
    log(`  ${manifest.tasks.length} task(s): ${manifest.tasks.map((task) => task.id).join(", ")}`);

    if (!target) {
      log("Dry run: nothing was uploaded. The manifest:");
      log(JSON.stringify(manifest, null, 2));
      return { manifest };
    }

    const upload = bundleUpload(store.dir(bundle.version), bundle);
    log(`Deploying ${loaded.config.project} to ${environment.label} at ${target.apiUrl} (with your ${target.via})…`);
    const created = await initializeDeployment(target, {
      contentHash: bundle.version,
      deployedBy: target.user ?? currentUser(),
      projectRef: loaded.config.project,
    });
    log(`  Version ${created.version} (${created.shortCode})`);
    try {
      await registerManifest(target, created.id, manifest);
      log(`  Registered the manifest`);
      const bytes = upload.files.reduce((sum, file) => sum + Buffer.byteLength(file.contents), 0);
      log(`  Uploading the bundle: ${upload.files.length} file(s), ${kb(bytes)}…`);
      const sent = await uploadBundle(target, created.id, upload);
      log(`  Uploaded (${kb(sent)} compressed)`);
      let imageReference: string | undefined;
      if (options.registry) {
        const image = {
          registry: options.registry,
          username: options.registryUsername,
          password: options.registryPassword,
          baseImage: options.baseImage,
        };
        imageReference = await buildAndPushImage(
          image,
          { projectRef: loaded.config.project, version: created.version, files: upload.files },
          log,
        );
        log(`  Pushed ${imageReference}`);
      }
      const deployed = await finalizeDeployment(target, created.id, {
        skipPromotion: options.skipPromotion,
        imageReference,
      });
      const isCurrent = deployed.isCurrent ?? !options.skipPromotion;
      log(
        isCurrent
          ? `Deployed version ${deployed.version} to ${environment.label}: new runs start on it.`
          : `Deployed version ${deployed.version} to ${environment.label} without promoting it (promote it from the dashboard's Deployments page).`,
      );
      return {
        manifest,
        deployment: { id: deployed.id, version: deployed.version, shortCode: deployed.shortCode, isCurrent },
      };
    } catch (error) {
      await failDeployment(target, created.id, error as Error).catch(() => undefined);
      throw error;
    }
  } finally {
    rmSync(buildRoot, { recursive: true, force: true });
  }
}

/** Loads the build in a runner process, as `stint dev` does, for what it declares. */
async function indexBuild(projectDir: string, store: BundleStore, bundle: RunnerBundle): Promise<BundleManifest> {
  const runners = new RunnerExecutor({ launcher: childProcessLauncher({ cwd: projectDir }), store, poolSize: 0 });
  try {
    return await runners.activate(bundle);
  } catch (error) {
    throw new DeployRefused(`Loading the build failed, nothing was deployed: ${(error as Error).message}`);
  } finally {
    await runners.close();
  }
}

/** The version's files (the store's own bundle.json and manifest.json stay behind), by path relative to its folder. */
function bundleUpload(dir: string, bundle: RunnerBundle): BundleUpload {
  const toPath = (file: string) => relative(dir, file).split(sep).join("/");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(file).isFile() && !["bundle.json", "manifest.json"].includes(relative(dir, file)))
    .sort()
    .map((file) => ({ path: toPath(file), contents: readFileSync(file, "utf8") }));
  return {
    files,
    entries: bundle.entries.map((entry) => ({ file: toPath(entry.file), source: entry.source })),
    configFile: bundle.configFile && toPath(bundle.configFile),
  };
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
