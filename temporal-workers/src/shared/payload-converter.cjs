/**
 * The engine's Temporal payload converter: values with types JSON cannot carry (Date, Map, Set, BigInt, RegExp…)
 * travel as superjson — what Trigger.dev's SDK uses for payloads and outputs — so a Date
 * in a payload is a Date in the task, in its output and in a parent's `triggerAndWait` result. Everything else stays
 * plain `json/plain`, readable in Temporal's Web UI, and histories written before this converter still decode.
 *
 * CommonJS on purpose: Temporal's client and worker load a payload converter by path with `require()`, outside any
 * TypeScript loader, and the workflow bundler includes it from the same path.
 */
const {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  METADATA_ENCODING_KEY,
  UndefinedPayloadConverter,
  ValueError,
  str,
  u8,
} = require("@temporalio/common");
const superjson = require("superjson").default;

const ENCODING = "json/superjson";

/**
 * A quick walk that answers "JSON.stringify loses nothing here" for the common case, so most payloads skip
 * superjson's slower serialize. Deep or unusual values fall through to it.
 */
function isPlainJson(value, depth) {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
    case "function":
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (depth > 64) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || !isPlainJson(item, depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (!isPlainJson(value[key], depth + 1)) return false;
  return true;
}

/**
 * superjson also notes `undefined` values and objects referenced twice; those alone are not worth leaving plain JSON
 * for (JSON drops the one and copies the other, as the engine always did).
 */
function plainJsonWillDo(meta) {
  const values = meta.values;
  if (values === undefined) return true;
  if (typeof values !== "object" || Array.isArray(values)) return false;
  return Object.values(values).every(
    (annotation) => Array.isArray(annotation) && annotation.length === 1 && annotation[0] === "undefined",
  );
}

/** A repeated reference JSON can copy; a circular one it cannot carry at all (JSON.stringify throws). */
function hasCycle(value) {
  try {
    JSON.stringify(value);
    return false;
  } catch {
    return true;
  }
}

class SuperjsonPayloadConverter {
  encodingType = ENCODING;

  toPayload(value) {
    if (value === undefined || isPlainJson(value, 0)) return undefined;
    const { json, meta } = superjson.serialize(value);
    // Nothing JSON would lose (an undefined property it drops is no loss): let json/plain carry it.
    if (!meta || (plainJsonWillDo(meta) && !(meta.referentialEqualities && hasCycle(value)))) return undefined;
    return { metadata: { [METADATA_ENCODING_KEY]: u8(ENCODING) }, data: u8(JSON.stringify({ json, meta })) };
  }

  fromPayload(payload) {
    if (payload.data === undefined || payload.data === null)
      throw new ValueError("Got a json/superjson payload with no data");
    return superjson.deserialize(JSON.parse(str(payload.data)));
  }
}

exports.payloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new SuperjsonPayloadConverter(),
  new JsonPayloadConverter(),
);
