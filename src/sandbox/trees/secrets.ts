import { createHash } from "node:crypto";

/**
 * The sandbox's secrets: fake, stable across resets, shaped like real ones (UUID tokens, 50-character
 * Django keys). Tests look for them in bkplay's output, so the passwords stay these exact strings.
 */
export const DB_PASSWORD = "Sandbox#Db9pass";
export const ADMIN_PASSWORD = "Sandbox#Admin1";

const digest = (label: string): string => createHash("sha256").update(`bkplay-sandbox:${label}`).digest("hex");

/** A version-4-shaped UUID derived from `label`. */
export function fakeUuid(label: string): string {
  const h = digest(label);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A Django SECRET_KEY-shaped string (50 letters and digits) derived from `label`. */
export function fakeSecretKey(label: string): string {
  const bytes = Buffer.from(digest(label) + digest(`${label}+`), "hex");
  return Array.from(bytes.subarray(0, 50), (b) => KEY_CHARS[b % KEY_CHARS.length] ?? "x").join("");
}

/** The ESB token every open_paas module of an install shares. */
export const esbToken = (): string => fakeUuid("esb_token");

/** An agent's sid and token, registered per host (so per install root). */
export const agentAuth = (root: string): { sid: string; token: string } => ({ sid: fakeUuid(`${root}:sid`), token: fakeUuid(`${root}:token`) });

/** node-man's zookeeper account on bkce 7.x agents (`zkauth`, `user:password`). */
export const ZK_AUTH = `bkzk:${fakeSecretKey("zkauth").slice(0, 24)}`;
