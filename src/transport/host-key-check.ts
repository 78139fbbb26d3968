import { homedir } from "node:os";
import { join } from "node:path";
import { appendKnownHost, checkHostKey, fingerprint, keyTypeOf, readKnownHosts } from "./known-hosts.js";
import type { ConnectSpec } from "./types.js";

/** Where host keys are checked and recorded when the inventory names no file. */
export function knownHostsFileOf(spec: ConnectSpec): string {
  return spec.knownHosts ?? join(homedir(), ".ssh", "known_hosts");
}

/** The prefix every connection message starts with, so a line names its host on its own. */
export function describeHost(spec: ConnectSpec): string {
  return `${spec.name} (${spec.address}:${spec.port})`;
}

/**
 * Applies the host key policy to an offered key. Resolves with null when the key is accepted,
 * else with the one-line reason for refusing it. `off` accepts all but revoked keys (OpenSSH does the same).
 */
export async function verifyHostKey(spec: ConnectSpec, key: Buffer): Promise<string | null> {
  const file = knownHostsFileOf(spec);
  const offered = `${keyTypeOf(key)} ${fingerprint(key)}`;
  const verdict = checkHostKey(await readKnownHosts(file), spec.address, spec.port, key);
  switch (verdict.kind) {
    case "trusted":
      return null;
    case "revoked":
      return `${describeHost(spec)}: host key ${offered} is marked @revoked in ${file}; refusing`;
    case "mismatch":
      if (spec.hostKeyPolicy === "off") return null;
      return `${describeHost(spec)}: HOST KEY MISMATCH: offered ${offered}, known ${verdict.known.join(", ")} in ${file} — possible man-in-the-middle; refusing`;
    case "unknown":
      if (spec.hostKeyPolicy === "off") return null;
      if (spec.hostKeyPolicy === "strict") {
        return `${describeHost(spec)}: host key not in ${file} (${offered}); add it or use --host-key-checking accept-new`;
      }
      await appendKnownHost(file, spec.address, spec.port, key);
      return null;
  }
}
