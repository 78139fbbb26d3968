import { homedir } from "node:os";
import { join } from "node:path";
import { appendKnownHost, checkHostKey, fingerprint, keyTypeOf, readKnownHosts, type HostKeyVerdict } from "./known-hosts.js";
import type { ConnectSpec } from "./types.js";
import { t } from "../i18n/t.js";

/** Where host keys are checked and recorded when the inventory names no file. */
export function knownHostsFileOf(spec: ConnectSpec): string {
  return spec.knownHosts ?? join(homedir(), ".ssh", "known_hosts");
}

/** The prefix every connection message starts with, so a line names its host on its own. */
export function describeHost(spec: ConnectSpec): string {
  return `${spec.name} (${spec.address}:${spec.port})`;
}

const recording = new Map<string, Promise<unknown>>();

/**
 * accept-new: records the key, one connection at a time per file, unless another connection recorded this host
 * meanwhile (then that entry judges the key).
 */
function trustOnFirstUse(file: string, spec: ConnectSpec, key: Buffer): Promise<HostKeyVerdict> {
  const next = (recording.get(file) ?? Promise.resolve()).then(async (): Promise<HostKeyVerdict> => {
    const verdict = checkHostKey(await readKnownHosts(file), spec.address, spec.port, key);
    if (verdict.kind !== "unknown") return verdict;
    await appendKnownHost(file, spec.address, spec.port, key);
    return { kind: "trusted" };
  });
  recording.set(file, next.catch(() => undefined));
  return next;
}

/**
 * Applies the host key policy to an offered key. Resolves with null when the key is accepted,
 * else with the one-line reason for refusing it. `off` accepts all but revoked keys (OpenSSH does the same).
 */
export async function verifyHostKey(spec: ConnectSpec, key: Buffer): Promise<string | null> {
  const file = knownHostsFileOf(spec);
  const offered = `${keyTypeOf(key)} ${fingerprint(key)}`;
  let verdict = checkHostKey(await readKnownHosts(file), spec.address, spec.port, key);
  if (verdict.kind === "unknown" && spec.hostKeyPolicy === "accept-new") verdict = await trustOnFirstUse(file, spec, key);
  switch (verdict.kind) {
    case "trusted":
      return null;
    case "revoked":
      return t("ssh.keyRevoked", { host: describeHost(spec), offered, file });
    case "mismatch":
      if (spec.hostKeyPolicy === "off") return null;
      return t("ssh.keyMismatch", { host: describeHost(spec), offered, known: verdict.known.join(", "), file });
    case "unknown":
      if (spec.hostKeyPolicy === "off") return null;
      return t("ssh.keyUnknown", { host: describeHost(spec), file, offered });
  }
}
