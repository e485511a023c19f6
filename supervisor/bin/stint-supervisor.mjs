#!/usr/bin/env node
// Runs the supervisor from its TypeScript sources, bundled to plain JavaScript first (see bundle-supervisor.mjs).
import { pathToFileURL } from "node:url";
import { bundledSupervisor } from "./bundle-supervisor.mjs";

const { main } = await import(pathToFileURL(bundledSupervisor()).href);
// Once main is done everything is stopped; Temporal's native runtime would keep the process alive.
process.exit(await main(process.argv.slice(2)));
