import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/**
 * A secret as a plan file remembers it: scrypt (N 16384, r 8, p 1, 32 bytes) of its value with a random 16-byte salt,
 * both hex. Enough to tell at apply that a secret given again is the one planned with, never to show it; slow to
 * guess from, should the plan file (mode 0600) be read.
 */
export interface SecretHash {
  salt: string;
  scrypt: string;
}

const derive = (value: string, salt: Buffer): Buffer => scryptSync(value, salt, 32, { N: 16384, r: 8, p: 1 });

export function hashSecret(value: string): SecretHash {
  const salt = randomBytes(16);
  return { salt: salt.toString("hex"), scrypt: derive(value, salt).toString("hex") };
}

/** Whether `value` is the secret `hash` was made from. */
export function sameSecret(hash: SecretHash, value: string): boolean {
  const want = Buffer.from(hash.scrypt, "hex");
  const got = derive(value, Buffer.from(hash.salt, "hex"));
  return want.length === got.length && timingSafeEqual(want, got);
}
