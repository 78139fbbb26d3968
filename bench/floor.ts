/**
 * The floor for change-domain: the least an SSH client can do for the same edits. Per host, all hosts at once:
 * connect (TCP_NODELAY, host key checked against known_hosts), one exec that reads the files, local regex
 * replacements, and, unless --check, one exec that writes the changed files (atomically, nginx -t on the
 * candidate) and runs their handlers. No backups, no drift check, no report.
 *
 *   node dist/bench/floor.js <fleet dir> [--check]
 */
import { readFileSync } from "node:fs";
import { connect as connectTcp } from "node:net";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { Client as SshClient } from "ssh2";
import type { SandboxHost } from "../src/sandbox/fleet-files.js";
import { editsFor, handlerCommand, nginxTest } from "./edits.js";

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

async function runHost(host: SandboxHost, privateKey: Buffer, hostKey: Buffer, check: boolean): Promise<number> {
  const edits = editsFor(host.roles);
  if (edits.length === 0) return 0;
  const client = await connect(host, privateKey, hostKey);
  try {
    const paths = edits.map((e) => `${host.root}/${e.path}`);
    const read = await exec(client, `for f in ${paths.map(q).join(" ")}; do base64 -w0 < "$f" || exit 1; echo; done`);
    const contents = read.split("\n").slice(0, edits.length).map((b64) => Buffer.from(b64, "base64").toString("utf8"));
    const script: string[] = [];
    const handlers = new Set<string>();
    edits.forEach((edit, i) => {
      const before = contents[i] ?? "";
      const after = edit.rules.reduce((text, rule) => text.replace(rule.re, rule.to), before);
      if (after === before) return;
      const live = `$(readlink -f ${q(paths[i] ?? "")})`;
      script.push(`f=${live}; t="$f.floor"`, `base64 -d > "$t" <<'EOF'\n${Buffer.from(after).toString("base64")}\nEOF`);
      if (edit.validate) script.push(`(${nginxTest('"$t"')}) || exit 1`);
      script.push(`mv -f "$t" "$f" || exit 1`);
      handlers.add(handlerCommand(edit.handler, host.root));
    });
    if (check || script.length === 0) return script.length;
    await exec(client, "sh -s", `set -e\n${script.join("\n")}\n${[...handlers].join("\n")}\n`);
    return script.length;
  } finally {
    client.end();
  }
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
  const changed = await Promise.all(fleet.hosts.map((host) => {
    const hostKey = knownKeys.get(`[${host.address}]:${host.port}`);
    if (hostKey === undefined) throw new Error(`${host.name}: no known_hosts entry`);
    return runHost(host, privateKey, hostKey, flag === "--check");
  }));
  process.stdout.write(`${JSON.stringify({ hosts: changed.length, changedFiles: changed.reduce((a, b) => a + b, 0) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`floor: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
