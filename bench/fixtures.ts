import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Fleet } from "../src/sandbox/fleet.js";
import type { SandboxHost } from "../src/sandbox/fleet-files.js";
import { supervisorSocket } from "../src/sandbox/trees/ce5-supervisor.js";
import { editsFor, oldDomainOf, PAAS_SETTINGS } from "./edits.js";

/**
 * Every host's tree back to a fresh install of its generation, with its own nginx port and sysroot; the fleet's
 * nginx daemons restart on the fresh files (supervisord and its programs keep running).
 */
export async function resetTrees(fleet: Fleet): Promise<void> {
  await fleet.reset();
}

/** The domain the fleet's paas hosts serve (PAAS_DOMAIN, port aside); they must agree, as change-domain requires. */
export async function fleetOldDomain(fleet: Fleet): Promise<string> {
  const domains = new Set(await Promise.all(fleet.hosts.filter((h) => h.roles.includes("paas")).map(async (h) => oldDomainOf(await readFile(join(h.root, PAAS_SETTINGS), "utf8")))));
  const [only, ...more] = domains;
  if (only === undefined || more.length > 0) throw new Error(`the paas hosts do not serve one domain: ${[...domains].join(", ") || "none"}`);
  return only;
}

/** sha256 over every file change-domain reads, on every host, in fleet order (edited or left). */
export async function editedDigest(fleet: Fleet, old: string): Promise<string> {
  const hash = createHash("sha256");
  for (const host of fleet.hosts) {
    for (const edit of editsFor(host.roles, old)) hash.update(`${host.name}:${edit.path}\0`).update(await readFile(join(host.root, edit.path)));
  }
  return hash.digest("hex");
}

/** The digest a correct change-domain apply leaves: the fresh files with its edits made. */
export async function expectedDigest(fleet: Fleet, old: string): Promise<string> {
  const hash = createHash("sha256");
  for (const host of fleet.hosts) {
    for (const edit of editsFor(host.roles, old)) {
      const before = await readFile(join(host.root, edit.path), "utf8");
      hash.update(`${host.name}:${edit.path}\0`).update(edit.edit(before));
    }
  }
  return hash.digest("hex");
}

/** XML-RPC on a supervisord's socket (what supervisorctl speaks), without starting a Python. */
function supervisorRpc(socket: string, method: string): Promise<string> {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params></params></methodCall>`;
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path: "/RPC2", method: "POST", headers: { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => { resolve(text); });
    });
    req.on("error", reject).end(body);
  });
}

/** Each program of one supervisord with its pid (0: not running). */
async function supervisorPids(socket: string): Promise<Map<string, number>> {
  const xml = await supervisorRpc(socket, "supervisor.getAllProcessInfo");
  const member = (struct: string, name: string): string | undefined => new RegExp(`<name>${name}</name>\\s*<value>\\s*<(?:string|int|i4)>([^<]*)<`).exec(struct)?.[1];
  const pids = new Map<string, number>();
  for (const struct of xml.split("<struct>").slice(1)) {
    const name = member(struct, "name");
    if (name !== undefined) pids.set(name, Number(member(struct, "pid") ?? 0));
  }
  return pids;
}

/** The worker pids of a host's nginx (children of the master in its pid file), sorted and joined. */
async function nginxWorkers(host: SandboxHost): Promise<string> {
  const master = (await readFile(join(host.sysroot, "run", "nginx.pid"), "utf8")).trim();
  const children = await readFile(`/proc/${master}/task/${master}/children`, "utf8").catch(() => "");
  return `${master}:${children.trim().split(/\s+/).filter(Boolean).sort().join(",")}`;
}

/**
 * What runs on the fleet: `<host> <program>` → the program's pid under its supervisord (open_paas programs on
 * paas hosts, paas_agent on agent hosts), `<host> nginx` → master and worker pids. A restart changes the pid; a
 * reload replaces nginx's workers.
 */
export async function services(fleet: Fleet): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  await Promise.all(fleet.hosts.map(async (host) => {
    const supervisors = [...(host.roles.includes("paas") ? ["open_paas"] : []), ...(host.roles.includes("appo") || host.roles.includes("appt") ? ["paas_agent"] : [])];
    for (const name of supervisors) {
      for (const [program, pid] of await supervisorPids(supervisorSocket(host, name))) {
        if (pid === 0) throw new Error(`${host.name}: ${program} is not running under supervisord`);
        state.set(`${host.name} ${program}`, String(pid));
      }
    }
    if (host.roles.includes("nginx")) state.set(`${host.name} nginx`, await nginxWorkers(host));
  }));
  return state;
}

/** What restarted (or reloaded) between two readings of services(), sorted. */
export const restartedSince = (before: Map<string, string>, after: Map<string, string>): string[] =>
  [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();

/** What one apply from fresh files must restart: paas and login on every paas host, each agent, each nginx (reload). */
export function expectedRestarts(fleet: Fleet): string[] {
  return fleet.hosts.flatMap((h) => [
    ...(h.roles.includes("paas") ? ["paas", "login"] : []),
    ...(h.roles.includes("appo") || h.roles.includes("appt") ? ["paas_agent"] : []),
    ...(h.roles.includes("nginx") ? ["nginx"] : []),
  ].map((p) => `${h.name} ${p}`)).sort();
}

/**
 * services() once what `expected` names has restarted and every nginx runs its one worker: nginx -s reload only
 * signals the master, which starts new workers and lets the old ones finish on their own, and a freshly started
 * nginx listens before its worker runs, so a reading taken at once may hold none, or old and new side by side.
 */
export async function settledServices(fleet: Fleet, before: Map<string, string>, expected: readonly string[], timeoutMs = 5000): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await services(fleet);
    const workersSettled = [...now].every(([k, v]) => !k.endsWith(" nginx") || (v.split(":")[1] ?? "").split(",").filter(Boolean).length === 1);
    const restarted = restartedSince(before, now);
    if ((workersSettled && expected.every((e) => restarted.includes(e))) || Date.now() > deadline) return now;
    await sleep(50);
  }
}

/** The Ansible inventory for the fleet: same groups and paas_root as the fleet's hosts.yaml. */
export function ansibleInventory(fleet: Fleet): string {
  const groups = new Map<string, string[]>();
  for (const host of fleet.hosts) {
    for (const role of host.roles) {
      const line = `        ${host.name}: { ansible_host: 127.0.0.1, ansible_port: ${host.port}, paas_root: ${JSON.stringify(host.root)} }`;
      groups.set(role, [...(groups.get(role) ?? []), line]);
    }
  }
  return [
    "all:",
    "  vars:",
    "    ansible_user: root",
    `    ansible_ssh_private_key_file: ${JSON.stringify(fleet.identityFile)}`,
    `    ansible_ssh_common_args: ${JSON.stringify(`-o UserKnownHostsFile=${fleet.knownHostsFile}`)}`,
    "  children:",
    ...[...groups].flatMap(([group, lines]) => [`    ${group}:`, "      hosts:", ...lines]),
    "",
  ].join("\n");
}

/** A bkplay playbook with `steps` replace steps per host over `files` files (step i edits key i), one handler. */
export function stepsPlaybook(steps: number, files: number): string {
  const lines = [
    `name: bench-steps-${steps}-${files}`,
    `description: ${steps} one-line edits per host over ${files} files (bench/run.ts)`,
    "vars:",
    "  paas_root: { type: string, default: /data/bkce }",
    "plays:",
    "  - hosts: all",
    "    steps:",
  ];
  for (let i = 1; i <= steps; i++) {
    lines.push(
      `      - name: edit ${i}`,
      `        replace: { file: "{{paas_root}}/bench/f${((i - 1) % files) + 1}.conf", regexp: '^(key${i}\\s*=\\s*).*$', replace: "$1new", expect: 1 }`,
      "        notify: restart",
    );
  }
  lines.push("handlers:", "  restart:", "    run: { command: \"true\" }", "");
  return lines.join("\n");
}

/** The files stepsPlaybook edits, fresh, on every host. */
export async function writeStepFiles(fleet: Fleet, steps: number, files: number): Promise<void> {
  const dir = (root: string): string => join(root, "bench");
  await Promise.all(fleet.hosts.map(async (host) => {
    await rm(dir(host.root), { recursive: true, force: true });
    await mkdir(dir(host.root), { recursive: true });
    for (let f = 1; f <= files; f++) {
      const keys = Array.from({ length: steps }, (_, i) => i + 1).filter((i) => ((i - 1) % files) + 1 === f);
      await writeFile(join(dir(host.root), `f${f}.conf`), `# bench file ${f}\n${keys.map((k) => `key${k} = old\n`).join("")}`);
    }
  }));
}
