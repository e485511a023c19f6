#!/usr/bin/env -S node --max-semi-space-size=2
// The flag keeps an idle worker server's memory low (V8's young generation at 2 MB instead of up to 16 MB per
// semi-space: about 15 MB of RSS, see docs/performance.md); `npm run supervisor` and the image pass the same.
// Runs the supervisor from its TypeScript sources, bundled to plain JavaScript first (see bundle-supervisor.mjs).
import { pathToFileURL } from "node:url";
import { bundledSupervisor } from "./bundle-supervisor.mjs";

const { main } = await import(pathToFileURL(bundledSupervisor()).href);
// Once main is done everything is stopped; Temporal's native runtime would keep the process alive.
process.exit(await main(process.argv.slice(2)));
