import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Fleet } from "../src/sandbox/fleet.js";
import { editsFor } from "./edits.js";

/**
 * Every host's tree back to a fresh install of its generation, with its own nginx port and sysroot (also wipes the
 * stand-ins' logs); the fleet's nginx daemons restart on the fresh files.
 */
export async function resetTrees(fleet: Fleet): Promise<void> {
  await fleet.reset();
}

/** sha256 over every file change-domain edits, on every host, in fleet order. */
export async function editedDigest(fleet: Fleet): Promise<string> {
  const hash = createHash("sha256");
  for (const host of fleet.hosts) {
    for (const edit of editsFor(host.roles)) hash.update(`${host.name}:${edit.path}\0`).update(await readFile(join(host.root, edit.path)));
  }
  return hash.digest("hex");
}

/** The digest a correct change-domain apply leaves: the fresh files with the floor's edits applied. */
export async function expectedDigest(fleet: Fleet): Promise<string> {
  const hash = createHash("sha256");
  for (const host of fleet.hosts) {
    for (const edit of editsFor(host.roles)) {
      const before = await readFile(join(host.root, edit.path), "utf8");
      hash.update(`${host.name}:${edit.path}\0`).update(edit.rules.reduce((text, r) => text.replace(r.re, r.to), before));
    }
  }
  return hash.digest("hex");
}

/** Handler runs recorded by the sandbox's stand-in service scripts, over the whole fleet. */
export async function handlerRuns(fleet: Fleet): Promise<number> {
  let lines = 0;
  for (const host of fleet.hosts) {
    for (const log of ["dashboard.log", "paas_agent.log"]) {
      const text = await readFile(join(host.root, "logs", log), "utf8").catch(() => "");
      lines += text.split("\n").filter(Boolean).length;
    }
  }
  return lines;
}

/** Handler runs one apply from fresh files must record: one per PaaS host and one per agent host. */
export function expectedHandlerRuns(fleet: Fleet): number {
  return fleet.hosts.filter((h) => h.roles.includes("paas")).length + fleet.hosts.filter((h) => h.roles.includes("appo") || h.roles.includes("appt")).length;
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
