/**
 * Email addresses as HTML's `<input type="email">` accepts them (the WHATWG "valid e-mail address"): a local part and
 * a host whose name needs no dot. `admin@localhost`, the address first boot creates, is one; zod's `.email()` wants a
 * top-level domain and refused it.
 */
import { z } from "zod";

const VALID_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export const EMAIL_HINT =
  "enter an email address such as ada@example.com (a host without a dot, as in admin@localhost, is fine)";

/** Trimmed and lower-cased, as accounts are stored. */
export const emailAddressSchema = z
  .string({ required_error: EMAIL_HINT })
  .trim()
  .max(254, "at most 254 characters")
  .regex(VALID_EMAIL, EMAIL_HINT)
  .transform((email) => email.toLowerCase());

/** The admin address for first boot, from `STINT_ADMIN_EMAIL` or the default; a bad value is refused by name. */
export function adminEmailFrom(value: string | undefined): string {
  if (value === undefined || value.trim() === "") return "admin@localhost";
  const parsed = emailAddressSchema.safeParse(value);
  if (!parsed.success) throw new Error(`STINT_ADMIN_EMAIL: "${value}" is not an email address: ${EMAIL_HINT}`);
  return parsed.data;
}
