#!/usr/bin/env node
// The CLI and the user's task code are TypeScript: tsx compiles them on the fly.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
