import { access, chmod, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isPaasGeneration, LAYOUTS, type Generation } from "../generations/layouts.js";
import { writeBkTree } from "./bk-tree.js";
import { startDaemon, startHostDaemons, stopDaemons, type RunningDaemon } from "./daemons/host-daemons.js";
import { restoreMariaDb, type MariaDbSpec } from "./daemons/mariadb.js";
import type { PythonHttpSpec } from "./daemons/python-http.js";
import { healthzDir } from "./standins/healthz.js";
import { DB_OF } from "./trees/python.js";
import { DB_PASSWORD } from "./trees/secrets.js";
import { healthzModules } from "../generations/paas-modules.js";
import { formatInventory, formatKnownHosts, planFleet, type FleetGeneration, type HostPlan, type SandboxHost } from "./fleet-files.js";
import { ensureKeyPair } from "./keys.js";
import { reservePorts } from "./ports.js";
import { isOurProcess, terminate } from "./processes.js";
import { hostPath, SYSTEM_PATH, type RunningHost, type SandboxServerHost } from "./server-host.js";
import { SSHD, startSshdHosts } from "./sshd-backend.js";
import { startSsh2Hosts } from "./ssh2-backend.js";

export type SandboxBackend = "sshd" | "ssh2";
export type { FleetGeneration } from "./fleet-files.js";

export interface FleetOptions {
  hosts: number;
  dir: string;
  backend?: SandboxBackend | "auto";
  /** The hosts' BlueKing generation, or `mixed` for several installs side by side; default ce5. */
  generation?: FleetGeneration;
  /** Keep the servers running after this process exits (`bkplay sandbox up`); stop with stopFleet(dir). */
  detached?: boolean;
  /**
   * Run a real MariaDB for the mysql hosts (one per fleet: they are one machine), with the agents' grants. It
   * runs as mysql, so `dir` is made 0755 and every folder above it must let others through.
   */
  mysql?: boolean;
}

export interface Fleet {
  dir: string;
  backend: SandboxBackend;
  generation: FleetGeneration;
  /** A fleet was running in this folder: it was stopped and every host's tree written afresh. */
  replaced: boolean;
  inventoryFile: string;
  knownHostsFile: string;
  identityFile: string;
  hosts: SandboxHost[];
  /** Every host's files back to a fresh install (services keep running; nginx restarts on its fresh files). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** What `<dir>/fleet.json` records, so another process can find and stop everything the fleet started. */
interface FleetRecord {
  backend: SandboxBackend;
  generation: FleetGeneration;
  /** Every process started: the SSH servers, then the daemons. */
  pids: number[];
  /** Absent in a fleet.json written before the fleet ran services. */
  daemons?: RunningDaemon[];
  hosts: SandboxHost[];
}

async function chooseBackend(wanted: SandboxBackend | "auto"): Promise<SandboxBackend> {
  if (wanted !== "auto") return wanted;
  return access(SSHD).then(() => "sshd" as const, () => "ssh2" as const);
}

/** Where a host's install lies: its PaaS root, or on a bkce 7.x node the GSE agent's prefix (node-man's install path). */
export const installRoot = (g: Generation): string => (isPaasGeneration(g) ? LAYOUTS[g].root : "/usr/local/gse");

/** The host's tree as the fleet wrote it (also a test's reset of one host). */
export const writeHostTree = (h: SandboxHost): Promise<void> =>
  writeBkTree(h.root, h.roles, {
    generation: h.generation, sysroot: h.sysroot, index: h.installIndex,
    ...(h.nginxPort === undefined ? {} : { nginxPort: h.nginxPort }),
    ...(h.paasPorts === undefined ? {} : { paasPorts: h.paasPorts }),
    ...(h.frontPort === undefined ? {} : { frontPort: h.frontPort }),
    ...(h.pipIndex === undefined ? {} : { pipIndex: h.pipIndex }),
    ...(h.agentPort === undefined ? {} : { agentPort: h.agentPort }),
  });

/**
 * A host's /run: a tmpfs on a real machine, here a folder outside hosts/ (sockets cannot be read as files,
 * and file snapshots of the hosts must not meet them), linked from the host's directory.
 */
async function makeRunDir(dir: string, host: SandboxHost): Promise<void> {
  const target = join(dir, "run", host.name);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await rm(join(host.sysroot, "run"), { recursive: true, force: true });
  await symlink(target, join(host.sysroot, "run"));
}

interface PreparedHost extends SandboxServerHost {
  publicKey: string;
  host: SandboxHost;
}

/** Where a host's services listen, and the fleet's it names (ports all reserved at once). */
type HostServices = Pick<SandboxHost, "nginxPort" | "agentPort" | "paasPorts" | "frontPort" | "pipIndex" | "mysqlSocket">;

async function prepareHost(dir: string, index: number, plan: HostPlan, backend: SandboxBackend, services: HostServices): Promise<PreparedHost> {
  const name = `bk-${index + 1}`;
  const hostDir = join(dir, "hosts", name);
  await mkdir(hostDir, { recursive: true });
  const hostKeyFile = join(hostDir, "ssh_host_ed25519_key");
  const { publicKey } = await ensureKeyPair(hostKeyFile, `bkplay-sandbox-${name}`);
  const host: SandboxHost = {
    name, address: "127.0.0.1", port: 0, root: join(hostDir, installRoot(plan.generation)), sysroot: hostDir,
    generation: plan.generation, roles: plan.roles, installIndex: plan.installIndex,
    ...services,
  };
  // A host that was another generation in an earlier fleet must not keep that one's root.
  await Promise.all(Object.values(LAYOUTS).map((l) => rm(join(hostDir, l.root), { recursive: true, force: true })));
  await writeHostTree(host);
  await makeRunDir(dir, host);
  const path = hostPath(hostDir, backend === "ssh2" ? process.env.PATH ?? SYSTEM_PATH : SYSTEM_PATH);
  return { name, dir: hostDir, hostKeyFile, publicKey, env: { PATH: path }, host };
}

const readRecord = async (dir: string): Promise<FleetRecord | null> => {
  const text = await readFile(join(dir, "fleet.json"), "utf8").catch(() => null);
  return text === null ? null : (JSON.parse(text) as FleetRecord);
};
const writeRecord = (dir: string, record: FleetRecord): Promise<void> => writeFile(join(dir, "fleet.json"), `${JSON.stringify(record, null, 2)}\n`);

/** Stops what a fleet.json in `dir` records; false when there is none (nothing to stop). */
export async function stopFleet(dir: string): Promise<boolean> {
  const abs = resolve(dir);
  const record = await readRecord(abs);
  if (record === null) return false;
  await stopDaemons(record.daemons ?? [], abs);
  const daemonPids = new Set((record.daemons ?? []).map((d) => d.pid));
  await Promise.all(record.pids.filter((pid) => !daemonPids.has(pid)).map(async (pid) => {
    if (await isOurProcess(pid, abs)) await terminate(pid);
  }));
  await rm(join(abs, "fleet.json"), { force: true });
  return true;
}

/**
 * Every port the fleet's services take, reserved at once (no two alike) before any SSH server picks one: each
 * nginx host's, each PaaS host's open_paas modules', the pip index's. Agents name their install's nginx (the
 * first, in the seeds' layout where each PaaS host has one) and the fleet's pip index; a fleet that runs a
 * MariaDB gives its socket to the mysql hosts and grants the install's app user to the agents' address.
 */
async function fleetServices(dir: string, plans: readonly HostPlan[], mysql: boolean): Promise<{ hosts: HostServices[]; fleet: (PythonHttpSpec | MariaDbSpec)[] }> {
  // The agent's nginx server block (appo, appt) is served by the host's nginx on a port of its own.
  const wants = plans.map((p) => ({ nginx: p.roles.includes("nginx") ? 1 : 0, agent: p.roles.includes("appo") || p.roles.includes("appt") ? 1 : 0, paas: p.roles.includes("paas") ? healthzModules(p.generation) : [] }));
  const ports = await reservePorts(wants.reduce((n, w) => n + w.nginx + w.agent + w.paas.length, 1));
  const pipPort = ports.shift() ?? 0;
  const hosts: HostServices[] = wants.map((w) => ({
    ...(w.nginx ? { nginxPort: ports.shift() ?? 0 } : {}),
    ...(w.agent ? { agentPort: ports.shift() ?? 0 } : {}),
    ...(w.paas.length > 0 ? { paasPorts: Object.fromEntries(w.paas.map((m) => [m, ports.shift() ?? 0])) } : {}),
  }));
  const front = (g: Generation): number | undefined => hosts.find((h, i) => h.nginxPort !== undefined && plans[i]?.generation === g)?.nginxPort;
  const pipIndex = `http://127.0.0.1:${pipPort}/simple/`;
  const socket = join(dir, "mysql", "mysqld.sock");
  plans.forEach((p, i) => {
    const h = hosts[i] ?? {};
    const frontPort = front(p.generation);
    if ((p.roles.includes("appo") || p.roles.includes("appt")) && frontPort !== undefined) Object.assign(h, { frontPort, pipIndex });
    if (p.roles.includes("mysql") && mysql) h.mysqlSocket = socket;
  });
  const pypi = join(dir, "pypi");
  const fleet: (PythonHttpSpec | MariaDbSpec)[] = [{
    kind: "pip-index",
    args: ["-m", "http.server", String(pipPort), "--bind", "127.0.0.1", "--directory", pypi],
    ports: [pipPort],
    files: [{ path: join(pypi, "simple", "index.html"), content: "<!DOCTYPE html>\n<html><head><title>Simple index</title></head><body></body></html>\n" }],
    log: join(pypi, "server.log"),
  }];
  if (mysql) {
    const users = [...new Set(plans.flatMap((p) => (isPaasGeneration(p.generation) ? [DB_OF[p.generation].user] : [])))];
    fleet.push({ kind: "mariadb", dir: join(dir, "mysql"), socket, grants: users.map((user) => ({ user, host: "127.0.0.1", password: DB_PASSWORD })) });
  }
  return { hosts, fleet };
}

/** Starts `hosts` SSH servers on 127.0.0.1, each with its own BlueKing tree and services, plus inventory and known_hosts. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  if (!Number.isInteger(options.hosts) || options.hosts < 1) throw new Error(`a fleet needs at least one host, got ${options.hosts}`);
  const dir = resolve(options.dir);
  const generation = options.generation ?? "ce5";
  // A fleet still running from this directory would serve the trees about to be rewritten.
  const replaced = await stopFleet(dir);
  const backend = await chooseBackend(options.backend ?? "auto");
  const detached = options.detached ?? false;
  await mkdir(dir, { recursive: true });
  if (options.mysql === true) await chmod(dir, 0o755);
  const identityFile = join(dir, "id_ed25519");
  const client = await ensureKeyPair(identityFile, "bkplay-sandbox-client");
  const plans = planFleet(options.hosts, generation);
  const services = await fleetServices(dir, plans, options.mysql === true);
  const prepared = await Promise.all(plans.map((plan, i) => prepareHost(dir, i, plan, backend, services.hosts[i] ?? {})));
  const authorizedKeys = join(dir, "authorized_keys");
  await writeFile(authorizedKeys, `${client.publicKey} bkplay-sandbox-client\n`);

  const record: FleetRecord & { daemons: RunningDaemon[] } = { backend, generation, pids: [], daemons: [], hosts: prepared.map((p) => p.host) };
  const installOf = (h: SandboxHost): SandboxHost[] => prepared.map((p) => p.host).filter((x) => x.generation === h.generation);
  const started = await Promise.allSettled([
    ...prepared.map((p) => startHostDaemons(p.host, detached, undefined, installOf(p.host))),
    ...services.fleet.map(async (spec): Promise<RunningDaemon[]> => [{ host: "", kind: spec.kind, pid: await startDaemon(spec, detached) }]),
  ]);
  record.daemons = started.flatMap((r) => (r.status === "fulfilled" ? r.value : []));
  record.pids = record.daemons.map((d) => d.pid);
  await writeRecord(dir, record);
  const failed = started.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    // Half a fleet is no use: stop what did start.
    await stopFleet(dir);
    throw failed.reason;
  }

  let running: RunningHost[];
  let stopServers = (): Promise<void> => Promise.resolve();
  try {
    if (backend === "sshd") {
      running = await startSshdHosts(prepared, authorizedKeys, detached);
    } else {
      const servers = await startSsh2Hosts(prepared, `${identityFile}.pub`, dir, detached);
      running = servers.hosts;
      stopServers = servers.stop;
    }
  } catch (error) {
    await stopFleet(dir);
    throw error;
  }
  const hosts = prepared.map((p, i): SandboxHost => ({ ...p.host, port: running[i]?.port ?? 0 }));
  const servers = [...new Set(running.flatMap((r) => (r.pid === undefined ? [] : [r.pid])))];
  record.hosts = hosts;
  record.pids = [...servers, ...record.pids];
  await writeRecord(dir, record);
  const stop = async (): Promise<void> => {
    await stopServers();
    await stopFleet(dir);
  };

  const knownHostsFile = join(dir, "known_hosts");
  const inventoryFile = join(dir, "hosts.yaml");
  await writeFile(knownHostsFile, formatKnownHosts(hosts, new Map(prepared.map((p) => [p.name, p.publicKey]))));
  await writeFile(inventoryFile, formatInventory(hosts));

  const reset = async (): Promise<void> => {
    const nginx = record.daemons.filter((d) => d.kind === "nginx");
    await stopDaemons(nginx, dir);
    await Promise.all(hosts.map(async (h) => {
      await writeHostTree(h);
      await rm(join(dir, "run", h.name, "systemd"), { recursive: true, force: true });
      await rm(join(healthzDir(h.sysroot), "faults"), { recursive: true, force: true });
    }));
    for (const spec of services.fleet) if (spec.kind === "mariadb") await restoreMariaDb(spec);
    const restarted = (await Promise.all(hosts.filter((h) => nginx.some((d) => d.host === h.name)).map((h) => startHostDaemons(h, detached, ["nginx"])))).flat();
    record.daemons = [...record.daemons.filter((d) => d.kind !== "nginx"), ...restarted];
    record.pids = [...record.pids.filter((pid) => !nginx.some((d) => d.pid === pid)), ...restarted.map((d) => d.pid)];
    await writeRecord(dir, record);
  };
  return { dir, backend, generation, replaced, inventoryFile, knownHostsFile, identityFile, hosts, reset, stop };
}
