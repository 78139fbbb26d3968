import { closeSync, fstatSync, openSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import SSHConfig from "ssh-config";
import { ConnectError, InputError } from "../errors.js";
import { describeHost } from "./host-key-check.js";
import { readWithIncludes } from "./ssh-config-include.js";
import type { ConfigurableField, ConnectSpec, HostKeyPolicy } from "./types.js";
import { t } from "../i18n/t.js";

/** A spec after the ssh_config file had its say, with the key files that file lists (tried when the inventory names none). */
export type ResolvedSpec = ConnectSpec & { configIdentities: string[] };

type Computed = Record<string, string | string[]>;

const POLICIES: Record<string, HostKeyPolicy> = { yes: "strict", ask: "strict", "accept-new": "accept-new", no: "off", off: "off" };

// Read once per run (a run is one process), and looked up once per host name or address.
const files = new Map<string, Promise<SSHConfig | null>>();
const lookups = new Map<string, Computed>();

function load(explicit: string | undefined): Promise<SSHConfig | null> {
  const file = explicit ?? join(homedir(), ".ssh", "config");
  let config = files.get(file);
  if (config === undefined) {
    config = readWithIncludes(file).then(
      (text) => SSHConfig.parse(text),
      (error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (explicit === undefined && code === "ENOENT" && (error as NodeJS.ErrnoException).path === file) return null;
        throw new Error(`cannot read ssh config ${file}: ${code ?? (error as Error).message}`, { cause: error });
      },
    );
    files.set(file, config);
  }
  return config;
}

/** `--ssh-config FILE` that cannot be read is bad input, found before any host is contacted (not each host unreachable). */
export function checkSshConfigFile(file: string | undefined): void {
  if (file === undefined) return;
  let why: string | undefined;
  try {
    const fd = openSync(file, "r");
    if (!fstatSync(fd).isFile()) why = "not a regular file";
    closeSync(fd);
  } catch (err) {
    why = (err as NodeJS.ErrnoException).code ?? String(err);
  }
  if (why !== undefined) throw new InputError(t("ssh.sshConfigUnreadable", { file, why }));
}

/** OpenSSH's `~` and `%` tokens in file names and HostName. */
function expand(value: string, tokens: Record<string, string>): string {
  const text = value.replace(/%(.)/g, (all, token: string) => tokens[token] ?? all);
  if (text === "~") return homedir();
  return text.startsWith("~/") ? join(homedir(), text.slice(2)) : text;
}

function fail(spec: ConnectSpec, message: string): never {
  throw new ConnectError(spec.name, `${describeHost(spec)}: ${message}`);
}

/**
 * Applies the ssh_config entries matching the host's address (its name when the inventory gives none) to what the
 * inventory left at defaults: HostName, User, Port, StrictHostKeyChecking, ConnectTimeout; and, where the inventory
 * is silent, IdentityFile, UserKnownHostsFile and ProxyJump. `Match exec` is never run.
 */
export async function resolveSpec(spec: ConnectSpec): Promise<ResolvedSpec> {
  const config = await load(spec.sshConfig).catch((error: unknown) => fail(spec, (error as Error).message));
  if (config === null) return { ...spec, configIdentities: [] };
  const key = `${spec.sshConfig ?? ""}\0${spec.address}`;
  const found = lookups.get(key) ?? config.compute(spec.address, { ignoreCase: true, matchExec: false });
  lookups.set(key, found);
  const all = (name: string): string[] => [found[name] ?? []].flat();
  const first = (name: string): string | undefined => all(name)[0];
  const open = new Set<ConfigurableField>(spec.defaulted ?? []);
  const out: ResolvedSpec = { ...spec, configIdentities: [] };
  const hostName = first("hostname");
  if (open.has("address") && hostName !== undefined) out.address = expand(hostName, { h: spec.address, "%": "%" });
  const user = first("user");
  if (open.has("user") && user !== undefined) out.user = user;
  const port = first("port");
  if (open.has("port") && port !== undefined) {
    out.port = Number(port);
    if (!Number.isInteger(out.port) || out.port < 1 || out.port > 65535) fail(spec, t("ssh.badPort", { port }));
  }
  const strict = first("stricthostkeychecking");
  if (open.has("hostKeyPolicy") && strict !== undefined) out.hostKeyPolicy = POLICIES[strict.toLowerCase()] ?? fail(spec, t("ssh.badStrict", { value: strict }));
  const timeout = first("connecttimeout");
  if (open.has("connectTimeoutMs") && timeout !== undefined) {
    out.connectTimeoutMs = Number(timeout) * 1000;
    if (!(out.connectTimeoutMs > 0)) fail(spec, t("ssh.badTimeout", { value: timeout }));
  }
  const tokens = { "%": "%", h: out.address, n: spec.address, p: String(out.port), r: out.user, u: userInfo().username, d: homedir() };
  const knownHosts = first("userknownhostsfile");
  if (out.knownHosts === undefined && knownHosts !== undefined) out.knownHosts = expand(knownHosts, tokens);
  const jump = first("proxyjump");
  if (out.jump === undefined && jump !== undefined) out.jump = jump;
  out.configIdentities = all("identityfile").map((file) => expand(file, tokens));
  return out;
}
