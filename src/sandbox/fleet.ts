import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeBkTree } from "./bk-tree.js";
import { formatInventory, formatKnownHosts, rolesOf } from "./fleet-files.js";
import type { SandboxHost } from "./fleet-files.js";
import { ensureKeyPair } from "./keys.js";
import { isOurProcess, terminate } from "./processes.js";
import type { RunningHost, SandboxServerHost } from "./server-host.js";
import { SSHD, startSshdHosts } from "./sshd-backend.js";
import { startSsh2Hosts } from "./ssh2-backend.js";

export type SandboxBackend = "sshd" | "ssh2";

export interface FleetOptions {
  hosts: number;
  dir: string;
  backend?: SandboxBackend | "auto";
  /** Keep the servers running after this process exits (`bkplay sandbox up`); stop with stopFleet(dir). */
  detached?: boolean;
}

export interface Fleet {
  dir: string;
  backend: SandboxBackend;
  inventoryFile: string;
  knownHostsFile: string;
  identityFile: string;
  hosts: SandboxHost[];
  stop(): Promise<void>;
}

/** What `<dir>/fleet.json` records, so another process can find and stop the servers. */
interface FleetRecord {
  backend: SandboxBackend;
  pids: number[];
  hosts: SandboxHost[];
}

async function chooseBackend(wanted: SandboxBackend | "auto"): Promise<SandboxBackend> {
  if (wanted !== "auto") return wanted;
  return access(SSHD).then(() => "sshd" as const, () => "ssh2" as const);
}

async function prepareHost(dir: string, index: number, count: number): Promise<SandboxServerHost & { publicKey: string; root: string }> {
  const name = `bk-${index + 1}`;
  const hostDir = join(dir, "hosts", name);
  const root = join(hostDir, "data", "bkce");
  await mkdir(hostDir, { recursive: true });
  const hostKeyFile = join(hostDir, "ssh_host_ed25519_key");
  const { publicKey } = await ensureKeyPair(hostKeyFile, `bkplay-sandbox-${name}`);
  await writeBkTree(root, rolesOf(index, count));
  return { name, dir: hostDir, hostKeyFile, publicKey, root };
}

/** Stops the servers a fleet.json in `dir` records (a no-op when there is none). */
export async function stopFleet(dir: string): Promise<void> {
  const file = join(resolve(dir), "fleet.json");
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return;
  const record = JSON.parse(text) as FleetRecord;
  await Promise.all(record.pids.map(async (pid) => {
    if (await isOurProcess(pid, resolve(dir))) await terminate(pid);
  }));
  await rm(file, { force: true });
}

/** Starts `hosts` SSH servers on 127.0.0.1, each with its own BlueKing tree, plus inventory and known_hosts. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  if (!Number.isInteger(options.hosts) || options.hosts < 1) throw new Error(`a fleet needs at least one host, got ${options.hosts}`);
  const dir = resolve(options.dir);
  // A fleet still running from this directory would serve the trees about to be rewritten.
  await stopFleet(dir);
  const backend = await chooseBackend(options.backend ?? "auto");
  const detached = options.detached ?? false;
  await mkdir(dir, { recursive: true });
  const identityFile = join(dir, "id_ed25519");
  const client = await ensureKeyPair(identityFile, "bkplay-sandbox-client");
  const prepared = await Promise.all(Array.from({ length: options.hosts }, (_, i) => prepareHost(dir, i, options.hosts)));
  const authorizedKeys = join(dir, "authorized_keys");
  await writeFile(authorizedKeys, `${client.publicKey} bkplay-sandbox-client\n`);

  let running: RunningHost[];
  let stopServers = (): Promise<void> => Promise.resolve();
  if (backend === "sshd") {
    running = await startSshdHosts(prepared, authorizedKeys, detached);
  } else {
    const started = await startSsh2Hosts(prepared, `${identityFile}.pub`, dir, detached);
    running = started.hosts;
    stopServers = started.stop;
  }
  const hosts = prepared.map((p, i): SandboxHost => ({
    name: p.name, address: "127.0.0.1", port: running[i]?.port ?? 0, root: p.root, roles: rolesOf(i, options.hosts),
  }));
  const pids = [...new Set(running.flatMap((r) => (r.pid === undefined ? [] : [r.pid])))];
  const knownHostsFile = join(dir, "known_hosts");
  const inventoryFile = join(dir, "hosts.yaml");
  await writeFile(knownHostsFile, formatKnownHosts(hosts, new Map(prepared.map((p) => [p.name, p.publicKey]))));
  await writeFile(inventoryFile, formatInventory(hosts));
  await writeFile(join(dir, "fleet.json"), `${JSON.stringify({ backend, pids, hosts } satisfies FleetRecord, null, 2)}\n`);

  const stop = async (): Promise<void> => {
    await stopServers();
    await stopFleet(dir);
  };
  return { dir, backend, inventoryFile, knownHostsFile, identityFile, hosts, stop };
}
