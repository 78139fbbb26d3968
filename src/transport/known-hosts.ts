import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { readParsed } from "./file-cache.js";

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  marker: "revoked" | "cert-authority" | null;
  /** The host field as written: a comma list of patterns, or one `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  key: Buffer;
  /** 1-based line number, for messages. */
  line: number;
}

export type HostKeyVerdict =
  | { kind: "trusted" }
  | { kind: "unknown" }
  | { kind: "mismatch"; known: string[] }
  | { kind: "revoked" };

/** Parses known_hosts text; comments, blank and malformed lines are skipped as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    const markerField = line.startsWith("@") ? fields.shift() : undefined;
    const hosts = fields.at(0);
    const keyType = fields.at(1);
    const base64 = fields.at(2);
    if (hosts === undefined || keyType === undefined || base64 === undefined) return;
    const marker = markerField === "@revoked" ? "revoked" : markerField === "@cert-authority" ? "cert-authority" : null;
    if (markerField !== undefined && marker === null) return;
    entries.push({ marker, hosts, keyType, key: Buffer.from(base64, "base64"), line: index + 1 });
  });
  return entries;
}

/** The name OpenSSH files a host under: bare on port 22, else `[address]:port`. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function matchesHashed(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split("|");
  if (magic !== "1" || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function matchesPattern(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(name);
}

/** True when the entry's host field names `name` (hashes, comma lists, wildcards, `!` negation). */
export function matchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.startsWith("|")) return matchesHashed(entry.hosts, name);
  let matched = false;
  for (const pattern of entry.hosts.split(",")) {
    const negated = pattern.startsWith("!");
    if (!matchesPattern(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The key type named inside an SSH wire-format public key blob. */
export function keyTypeOf(key: Buffer): string {
  const length = key.length >= 4 ? key.readUInt32BE(0) : 0;
  return key.subarray(4, 4 + length).toString("latin1");
}

/** OpenSSH's fingerprint form: `SHA256:` and unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** Judges an offered host key against the entries filed under that address and port. */
export function checkHostKey(entries: KnownHostEntry[], address: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostName(address, port);
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && matchesHost(e, name));
  // A revoked key is refused whatever else the file says about it.
  if (forHost.some((e) => e.marker === "revoked" && e.key.equals(key))) return { kind: "revoked" };
  const known = forHost.filter((e) => e.marker === null);
  if (known.some((e) => e.key.equals(key))) return { kind: "trusted" };
  if (known.length === 0) return { kind: "unknown" };
  return { kind: "mismatch", known: known.map((e) => fingerprint(e.key)) };
}

/** Reads a known_hosts file (parsed once while it does not change); a missing file knows no hosts. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return await readParsed(file, (bytes) => parseKnownHosts(bytes.toString("utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** The known_hosts line recording `key` for that address and port. */
export function formatKnownHost(address: string, port: number, key: Buffer): string {
  return `${knownHostName(address, port)} ${keyTypeOf(key)} ${key.toString("base64")}`;
}

/** Appends one entry, creating the file (and its directory) as OpenSSH would. */
export async function appendKnownHost(file: string, address: string, port: number, key: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const current = await readFile(file, "utf8").catch(() => "");
  const separator = current === "" || current.endsWith("\n") ? "" : "\n";
  await appendFile(file, `${separator}${formatKnownHost(address, port, key)}\n`, { mode: 0o600 });
}
