/** The data converter every Stint client and worker uses (see payload-converter.cjs for what it carries). */
import type { DataConverter } from "@temporalio/common";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PAYLOAD_CONVERTER_PATH = join(dirname(fileURLToPath(import.meta.url)), "payload-converter.cjs");

/** Pass as `dataConverter` to every `new Client(...)` that talks to Stint's workflows. */
export const stintDataConverter: DataConverter = { payloadConverterPath: PAYLOAD_CONVERTER_PATH };
