/** The `stint` CLI's named errors: what the user must fix, said so that the message alone is enough. */

/** trigger.config.ts is missing, does not load, or has a field the CLI cannot use. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Building, logging in to or pushing to the registry for a deployment's image failed. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageError";
  }
}
