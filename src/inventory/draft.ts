import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import { InputError, type Problem, type SourceLocation } from "../errors.js";
import type { ConfigurableField } from "../transport/types.js";
import { PASSED_SSH_SETTINGS, type Host, type Inventory, type InventoryFormat, type SshSettings } from "./types.js";
import { t } from "../i18n/t.js";

/** Settings given at one level of an inventory (top level, one group, or one host entry). */
export interface Layer {
  vars?: Record<string, unknown>;
  ssh?: SshSettings;
}

interface HostDraft {
  source: SourceLocation;
  address?: { value: string; at: SourceLocation };
  layers: Layer[];
}

/** What every format reader fills in; `finish` applies precedence and defaults the same way for all of them. */
export class InventoryDraft {
  readonly problems: Problem[] = [];
  readonly top: Layer[] = [];
  private readonly hosts = new Map<string, HostDraft>();
  private readonly groups = new Map<string, { layers: Layer[]; members: Set<string> }>();

  constructor(
    readonly file: string,
    readonly format: InventoryFormat,
  ) {}

  declareGroup(name: string, layer?: Layer): void {
    const group = this.groups.get(name) ?? { layers: [], members: new Set<string>() };
    if (layer) group.layers.push(layer);
    this.groups.set(name, group);
  }

  /** Each call adds one host entry; entries of the same host merge, later ones winning. */
  declareHost(name: string, source: SourceLocation, layer?: Layer, address?: { value: string; at: SourceLocation }): void {
    const host = this.hosts.get(name) ?? { source, layers: [] };
    if (layer) host.layers.push(layer);
    if (address) {
      if (host.address && host.address.value !== address.value) {
        this.problems.push({
          message: t("inv.addressConflict", { name, address: host.address.value, line: host.address.at.line, other: address.value }),
          location: address.at,
        });
      } else {
        host.address = address;
      }
    }
    this.hosts.set(name, host);
  }

  join(group: string, host: string): void {
    this.declareGroup(group);
    this.groups.get(group)?.members.add(host);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** `rank` orders group layers (lower applies first, so higher wins); default: declaration order. */
  finish(noHostsAt: SourceLocation, rank: (group: string) => number = (g) => this.groupNames().indexOf(g)): Inventory {
    if (this.problems.length === 0 && this.hosts.size === 0) {
      this.problems.push({ message: t("inv.noHosts"), location: noHostsAt });
    }
    if (this.problems.length > 0) throw new InputError(this.problems.sort(byLocation));
    const hosts = [...this.hosts].map(([name, draft]) => this.resolveHost(name, draft, rank));
    const groups: Record<string, string[]> = { all: hosts.map((h) => h.name) };
    for (const [name, group] of this.groups) groups[name] = hosts.filter((h) => group.members.has(h.name)).map((h) => h.name);
    return { file: this.file, format: this.format, hosts, groups };
  }

  private resolveHost(name: string, draft: HostDraft, rank: (group: string) => number): Host {
    const groups = this.groupNames().filter((g) => this.groups.get(g)?.members.has(name));
    const byRank = [...groups].sort((a, b) => rank(a) - rank(b));
    const layers = [...this.top, ...byRank.flatMap((g) => this.groups.get(g)?.layers ?? []), ...draft.layers];
    const vars = Object.assign({}, ...layers.map((l) => l.vars)) as Record<string, unknown>;
    const ssh = Object.assign({}, ...layers.map((l) => l.ssh)) as SshSettings;
    const base = dirname(resolve(this.file));
    const given: Record<ConfigurableField, unknown> = { address: draft.address, user: ssh.user, port: ssh.port, hostKeyPolicy: ssh.host_key_checking, connectTimeoutMs: ssh.connect_timeout };
    const host: Host = {
      name,
      address: draft.address?.value ?? name,
      port: ssh.port ?? 22,
      user: ssh.user ?? "root",
      groups,
      vars,
      ssh: { host_key_checking: ssh.host_key_checking ?? "strict", connection: ssh.connection ?? "ssh", connect_timeout: ssh.connect_timeout ?? 10 },
      defaulted: (Object.keys(given) as ConfigurableField[]).filter((field) => given[field] === undefined),
      source: draft.source,
    };
    for (const key of PASSED_SSH_SETTINGS) if (ssh[key] !== undefined) Object.assign(host.ssh, { [key]: ssh[key] });
    if (ssh.identity_file !== undefined) host.ssh.identity_file = expandPath(ssh.identity_file, base);
    if (ssh.known_hosts !== undefined) host.ssh.known_hosts = expandPath(ssh.known_hosts, base);
    return host;
  }
}

/** Key paths in an inventory are written for the controller's user and relative to the inventory, not the cwd. */
export function expandPath(path: string, base: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return resolve(base, path);
}

function byLocation(a: Problem, b: Problem): number {
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0);
}
