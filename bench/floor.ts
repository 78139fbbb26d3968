/**
 * The floor for change-domain: the least an SSH client can do for the same work. All hosts at once: connect
 * (TCP_NODELAY, host key checked against known_hosts) and one exec reading the host's files; once every host has
 * been read, the old domain from PAAS_DOMAIN on the paas hosts (they must agree) and local text edits; then,
 * unless --check, one exec per host that writes the changed files (atomically, nginx -t on the candidate) and
 * runs their handlers (supervisorctl restart per program, nginx -s reload). No backups, no drift check, no
 * generation detection, no report.
 *
 *   node dist/bench/floor.js <fleet dir> [--check]
 */
import { readFileSync } from "node:fs";
import { connect as connectTcp } from "node:net";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { Client as SshClient } from "ssh2";
import type { SandboxHost } from "../src/sandbox/fleet-files.js";
import { editsFor, handlerCommand, nginxTest, oldDomainOf } from "./edits.js";

const { Client } = ssh2;

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function connect(host: SandboxHost, privateKey: Buffer, hostKey: Buffer): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const sock = connectTcp({ host: host.address, port: host.port });
    sock.setNoDelay(true);
    const client = new Client();
    client.once("ready", () => { resolve(client); }).once("error", reject);
    client.connect({ sock, username: "root", privateKey, hostVerifier: (key: Buffer) => key.equals(hostKey) });
  });
}

function exec(client: SshClient, command: string, stdin = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(error);
        return;
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let code: number | null = null;
      channel.on("data", (chunk: Buffer) => out.push(chunk));
      channel.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      channel.on("exit", (c: number | null) => { code = c; });
      channel.on("close", () => {
        if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
        else reject(new Error(`exit ${String(code)}: ${Buffer.concat(err).toString("utf8")}`));
      });
      channel.end(stdin);
    });
  });
}

interface HostWork {
  host: SandboxHost;
  client: SshClient;
  /** The host's files change-domain reads, as read. */
  contents: string[];
}

/** Connects and reads the host's files in one exec (any old domain will do to list them). */
async function readHost(host: SandboxHost, privateKey: Buffer, hostKey: Buffer): Promise<HostWork | null> {
  const paths = editsFor(host.roles, "").map((e) => `${host.root}/${e.path}`);
  if (paths.length === 0) return null;
  const client = await connect(host, privateKey, hostKey);
  const read = await exec(client, `for f in ${paths.map(q).join(" ")}; do base64 -w0 < "$f" || exit 1; echo; done`);
  return { host, client, contents: read.split("\n").slice(0, paths.length).map((b64) => Buffer.from(b64, "base64").toString("utf8")) };
}

/** The host's changed files written and their handlers run (one exec), unless check; how many files changed. */
async function applyHost(work: HostWork, old: string, check: boolean): Promise<number> {
  const { host, client, contents } = work;
  const script: string[] = [];
  const handlers = new Set<string>();
  editsFor(host.roles, old).forEach((edit, i) => {
    const before = contents[i] ?? "";
    const after = edit.edit(before);
    if (after === before) return;
    script.push(`f=$(readlink -f ${q(`${host.root}/${edit.path}`)}); t="$f.floor"`, `base64 -d > "$t" <<'EOF'\n${Buffer.from(after).toString("base64")}\nEOF`);
    if (edit.validate) script.push(`(${nginxTest("$t")}) || exit 1`);
    script.push(`mv -f "$t" "$f" || exit 1`);
    handlers.add(handlerCommand(edit.handler, host.root));
  });
  if (!check && script.length > 0) await exec(client, "sh -s", `set -e\n${script.join("\n")}\n${[...handlers].join("\n")}\n`);
  return handlers.size;
}

async function main(): Promise<void> {
  const [dir, flag] = process.argv.slice(2);
  if (dir === undefined) throw new Error("usage: floor.js <fleet dir> [--check]");
  const fleet = JSON.parse(readFileSync(join(dir, "fleet.json"), "utf8")) as { hosts: SandboxHost[] };
  const privateKey = readFileSync(join(dir, "id_ed25519"));
  const knownKeys = new Map(readFileSync(join(dir, "known_hosts"), "utf8").split("\n").flatMap((line) => {
    const [name, , base64] = line.split(" ");
    return name === undefined || base64 === undefined ? [] : [[name, Buffer.from(base64, "base64")] as const];
  }));
  const read = await Promise.all(fleet.hosts.map((host) => {
    const hostKey = knownKeys.get(`[${host.address}]:${host.port}`);
    if (hostKey === undefined) throw new Error(`${host.name}: no known_hosts entry`);
    return readHost(host, privateKey, hostKey);
  }));
  const works = read.filter((w): w is HostWork => w !== null);
  try {
    // Every host is read before any is written; the old domain is the one every paas host names.
    const domains = new Set(works.filter((w) => w.host.roles.includes("paas")).map((w) => oldDomainOf(w.contents[0] ?? "")));
    const [old, ...others] = domains;
    if (old === undefined || others.length > 0) throw new Error(`paas hosts disagree on the old domain: ${[...domains].join(", ")}`);
    const handlers = await Promise.all(works.map((w) => applyHost(w, old, flag === "--check")));
    process.stdout.write(`${JSON.stringify({ hosts: works.length, oldDomain: old, handlers: handlers.reduce((a, b) => a + b, 0) })}\n`);
  } finally {
    for (const w of works) w.client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`floor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
