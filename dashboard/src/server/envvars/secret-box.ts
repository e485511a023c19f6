/**
 * Encryption at rest for environment variable values: AES-256-GCM under the webapp's key (STINT_ENCRYPTION_KEY, or a
 * key generated once into the data folder). A database dump alone does not reveal the values.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromSecret(secret: string): SecretBox {
    return new SecretBox(createHash("sha256").update(secret).digest());
  }

  /** STINT_ENCRYPTION_KEY when set; otherwise `<dataDir>/encryption.key`, created on first use. */
  static forDataDir(dataDir: string, fromEnv = process.env.STINT_ENCRYPTION_KEY): SecretBox {
    if (fromEnv) return SecretBox.fromSecret(fromEnv);
    const file = join(dataDir, "encryption.key");
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
    }
    return SecretBox.fromSecret(readFileSync(file, "utf8").trim());
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(":");
    if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("not a sealed value");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  }
}
