/** Entry of the `stint` CLI. */
import { Command, Option } from "commander";
import { ZodError } from "zod";
import { runDev } from "./commands/dev.js";
import { runInit } from "./commands/init.js";
import { runStatus } from "./commands/status.js";
import { runDeploy } from "./commands/deploy.js";
import { runLogin, runLogout, runWhoami } from "./commands/login.js";

const program = new Command("stint").description("Trigger.dev-compatible tasks on Temporal").showHelpAfterError();

program
  .command("dev")
  .description("run the project's tasks locally, reloading on change")
  .option("--cwd <dir>", "project folder (holds trigger.config.ts)", ".")
  .option("--state-dir <dir>", "where the Temporal dev server keeps its state (default <project>/.stint)")
  .addOption(
    new Option("--temporal-address <host:port>", "use this Temporal server instead of starting one").env(
      "TEMPORAL_ADDRESS",
    ),
  )
  .option("--namespace <name>", "Temporal namespace", "default")
  .option("--workflow-queue <name>", "task queue of the engine's workflows", "stint-dev")
  .option("--attempt-queue <name>", "task queue of this project's attempts (default: the workflow queue)")
  .option("--ui-port <port>", "Temporal Web UI port")
  .option("--no-watch", "do not reload on file changes")
  .addOption(
    new Option("--api-url <url>", "run as a session of this Stint webapp (with --access-token or --secret-key)").env(
      "TRIGGER_API_URL",
    ),
  )
  .addOption(
    new Option(
      "--access-token <token>",
      "personal access token (tr_pat_…): the webapp finds or creates the config's project",
    ).env("TRIGGER_ACCESS_TOKEN"),
  )
  .addOption(
    new Option("--secret-key <key>", "development secret key of the config's project (tr_dev_…)").env(
      "TRIGGER_SECRET_KEY",
    ),
  )
  .option(
    "--env-file <file>",
    "read this file instead of the project's .env, .env.development, .env.local, .env.development.local",
  )
  .option("--standalone", "ignore webapp settings and your login: run on a Temporal server of its own")
  .option(
    "--profile <name>",
    "run as a session of the webapp of this `stint login` profile (default: the current one, when no TRIGGER_API_URL or token is set)",
  )
  .option("--verbose", "print the stack of every failed attempt and the engine's warnings")
  .option(
    "--warm-runners <count>",
    "runner processes kept started with the current version, so an attempt does not wait for Node (0: one per attempt)",
    "1",
  )
  .option("--trigger <taskId>", "trigger this task once the worker is up")
  .option("--payload <json>", "payload for --trigger", "{}")
  .action(async (options) => {
    const session = await runDev(options);
    let stoppingSince: number | undefined;
    const shutdown = async (reason: "SIGINT" | "SIGTERM" | "parent gone") => {
      // Under npx or npm run, Ctrl-C reaches this process twice (from the terminal and forwarded by npm): one stop.
      if (stoppingSince !== undefined) {
        if (Date.now() - stoppingSince > 2_000) process.exit(130);
        return;
      }
      stoppingSince = Date.now();
      // Only a Ctrl-C typed at this session says so: under `npm start` the platform says it once for everyone.
      if (reason === "SIGINT") console.log("\nStopping… (Ctrl-C again to force)");
      await session.stop();
      process.exit(0);
    };
    process.on("SIGINT", () => void shutdown("SIGINT"));
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
    // Started by a supervisor with an IPC channel (npm start): stop when it is gone, even if it was killed.
    if (process.send) process.once("disconnect", () => void shutdown("parent gone"));
  });

program
  .command("init [dir]")
  .description("write trigger.config.ts, and an example task in a project without tasks")
  .option("--project <ref>", "project ref for a new trigger.config.ts")
  .option("--example", "add the example task even when the project has tasks")
  .action(async (dir: string | undefined, options: { project?: string; example?: boolean }) => {
    const { created, notes } = await runInit(dir ?? ".", options);
    for (const note of notes) console.log(note);
    console.log(
      created.length ? `Created ${created.join(", ")}. Next: npx stint dev` : "Nothing to create. Next: npx stint dev",
    );
  });

program
  .command("status")
  .description("show the local stint dev session and its Temporal server, and (with a login) the project's deployments")
  .option("--cwd <dir>", "project folder", ".")
  .option("--state-dir <dir>", "state folder (default <project>/.stint)")
  .option("--json", "print one JSON object")
  .option("--profile <name>", "the `stint login` profile to read deployments with (default: the current one)")
  .action(async (options: { cwd: string; stateDir?: string; json?: boolean; profile?: string }) => {
    process.exitCode = await runStatus(options.cwd, options.stateDir, { json: options.json, profile: options.profile });
  });

program
  .command("login")
  .description("log in to a Stint webapp with a personal access token (checked, then kept in ~/.config/stint)")
  .addOption(new Option("--api-url <url>", "the webapp's URL").env("TRIGGER_API_URL"))
  .addOption(
    new Option("--token <tr_pat_…>", "personal access token from the dashboard's Access tokens page").env(
      "TRIGGER_ACCESS_TOKEN",
    ),
  )
  .option("--profile <name>", "save the login under this profile name", "default")
  .action(async (options: { apiUrl?: string; token?: string; profile: string }) => {
    process.exitCode = await runLogin(options);
  });
program
  .command("whoami")
  .description("show the logged-in user, checking the stored token with the webapp")
  .option("--profile <name>", "profile to check (default: the current one)")
  .action(async (options: { profile?: string }) => {
    process.exitCode = await runWhoami(options.profile);
  });
program
  .command("logout")
  .description("forget a stored login")
  .option("--profile <name>", "profile to remove", "default")
  .action((options: { profile: string }) => {
    process.exitCode = runLogout(options.profile);
  });
program
  .command("deploy")
  .description("build the project and deploy it as a new version of a deployed environment (new runs start on it)")
  .option("--cwd <dir>", "project folder (holds trigger.config.ts)", ".")
  .option("-e, --env <env>", "environment to deploy to: prod, staging or preview", "prod")
  .option("--dry-run", "build and index the project, print the manifest, upload nothing")
  .option("--skip-promotion", "deploy the version without making it current (promote it later)")
  .addOption(new Option("--api-url <url>", "the Stint webapp").env("TRIGGER_API_URL"))
  .addOption(
    new Option("--secret-key <key>", "the environment's secret key (tr_prod_…, tr_stg_…)").env("TRIGGER_SECRET_KEY"),
  )
  .addOption(
    new Option(
      "--access-token <token>",
      "personal access token (tr_pat_…): the webapp hands over the environment's key",
    ).env("TRIGGER_ACCESS_TOKEN"),
  )
  .option(
    "--profile <name>",
    "deploy with this `stint login` profile (default: the current one, when no key or token is set)",
  )
  .option(
    "--registry <host[:port][/namespace]>",
    "also build the version's image <registry>/<project>:<version> on Stint's runtime image and push it",
  )
  .addOption(
    new Option("--registry-username <name>", "registry login (default: your own docker login)").env(
      "STINT_REGISTRY_USERNAME",
    ),
  )
  .addOption(new Option("--registry-password <password>", "registry password").env("STINT_REGISTRY_PASSWORD"))
  .option("--base-image <image>", "image to build on (default: the newest local stint-runtime image)")
  .action(async (options) => {
    await runDeploy(options);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ZodError) {
    console.error(
      error.issues
        .map((i) => `--${i.path.join(".").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`)
        .join("\n"),
    );
  } else {
    console.error((error as Error).message);
  }
  process.exit(1);
});
