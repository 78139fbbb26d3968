import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { isPaasGeneration, type Generation, type PaasGeneration } from "../../src/generations/layouts.js";
import { startFleet, type Fleet, type FleetGeneration, type SandboxBackend } from "../../src/sandbox/fleet.js";
import { sandboxVars, serviceVars, type SandboxHost } from "../../src/sandbox/fleet-files.js";

export const BACKENDS: SandboxBackend[] = ["sshd", "ssh2"];

/**
 * A fleet for one describe block: started before, stopped after; `reset()` rewrites every host's tree.
 * `generation`: oss, ce5 (the default), ce6 or mixed; `mysql`: the fleet runs a real MariaDB for its mysql hosts.
 */
export function useFleet(hosts: number, backend: SandboxBackend, generation?: FleetGeneration, options: { mysql?: boolean } = {}): { fleet: () => Fleet; dir: () => string; reset: () => Promise<void> } {
  let fleet: Fleet | undefined;
  let dir = "";
  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), `bkplay-${backend}-`));
    fleet = await startFleet({ hosts, dir, backend, ...(generation === undefined ? {} : { generation }), ...options });
  });
  after(async () => {
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (): Fleet => {
    if (!fleet) throw new Error("fleet not started");
    return fleet;
  };
  return {
    fleet: get,
    dir: () => dir,
    reset: () => get().reset(),
  };
}

export interface InventoryTweaks {
  /** Extra vars per host name. */
  vars?: Record<string, Record<string, unknown>>;
  /** Extra hosts (e.g. an unreachable one) added to group `paas`. */
  extraHosts?: Record<string, { address: string; port: number }>;
  ssh?: Record<string, unknown>;
}

/** A native inventory for the fleet (same groups as the fleet's own hosts.yaml) with test-specific changes. */
export function writeInventory(fleet: Fleet, file: string, tweaks: InventoryTweaks = {}): string {
  const groups: Record<string, { hosts: Record<string, unknown> } | undefined> = {};
  for (const h of fleet.hosts) {
    for (const role of h.roles) {
      const group = (groups[role] ??= { hosts: {} });
      group.hosts[h.name] = { address: h.address, port: h.port, vars: { ...sandboxVars(h), ...serviceVars(h), ...(tweaks.vars?.[h.name] ?? {}) } };
    }
  }
  for (const [name, h] of Object.entries(tweaks.extraHosts ?? {})) {
    const group = (groups.paas ??= { hosts: {} });
    group.hosts[name] = { address: h.address, port: h.port, vars: { paas_root: "/nonexistent", ...(tweaks.vars?.[name] ?? {}) } };
  }
  const doc = { ssh: { identity_file: fleet.identityFile, known_hosts: fleet.knownHostsFile, ...(tweaks.ssh ?? {}) }, groups };
  writeFileSync(file, stringify(doc));
  return file;
}

/** The pid supervisord reports for `program` (`supervisorctl -c conf pid program`); 0 when it is not running. */
export function supervisorPid(conf: string, program: string): number {
  const out = spawnSync("supervisorctl", ["-c", conf, "pid", program], { encoding: "utf8" }).stdout.trim();
  return /^\d+$/.test(out) ? Number(out) : 0;
}

/** The installs of a mixed fleet, one generation each. */
export interface Installs {
  /** The first host of install `g` that `matches` (`what` names it when none does). */
  host: (g: Generation, what: string, matches: (h: SandboxHost) => boolean) => SandboxHost;
  /** An inventory of install `g`'s hosts alone. */
  inventory: (g: Generation) => string;
}

export function installsOf(f: { fleet: () => Fleet; dir: () => string }): Installs {
  return {
    host: (g, what, matches) => {
      const h = f.fleet().hosts.find((x) => x.generation === g && matches(x));
      if (!h) throw new Error(`the ${g} install has no ${what}`);
      return h;
    },
    inventory: (g) => writeInventory({ ...f.fleet(), hosts: f.fleet().hosts.filter((h) => h.generation === g) }, join(f.dir(), `${g}-hosts.yaml`)),
  };
}

/** An agent host (appo or appt). */
export const isAgentHost = (h: SandboxHost): boolean => h.roles.includes("appo") || h.roles.includes("appt");

/** A host of a PaaS install's generation (oss, ce5, ce6): what tests of PaaS files index their tables by. */
export function paasGeneration(h: Pick<SandboxHost, "name" | "generation">): PaasGeneration {
  if (!isPaasGeneration(h.generation)) throw new Error(`${h.name} is a ${h.generation} node: it keeps no PaaS tree`);
  return h.generation;
}
