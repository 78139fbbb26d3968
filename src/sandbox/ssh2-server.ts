import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { Server as NetServer } from "node:net";
import { homedir } from "node:os";
import ssh2 from "ssh2";
import type { AuthContext, Connection, ParsedKey, ServerChannel } from "ssh2";
import type { RunningHost, SandboxServerHost } from "./server-host.js";

// ssh2 is CommonJS and exposes its API as one object.
const { Server, utils } = ssh2;

/** In-process SSH servers for a fleet, and how to shut all of them down. */
export interface Ssh2Fleet {
  hosts: RunningHost[];
  close(): Promise<void>;
}

function verifies(allowed: ParsedKey, blob: Buffer, signature: Buffer, hashAlgo: string | undefined): boolean {
  // ssh2 returns an Error (truthy) rather than false for some failures.
  const verdict: unknown = allowed.verify(blob, signature, hashAlgo);
  return verdict === true;
}

function authenticate(ctx: AuthContext, allowed: ParsedKey): void {
  const ok = ctx.method === "publickey"
    && ctx.key.algo === allowed.type
    && ctx.key.data.equals(allowed.getPublicSSH())
    // Without a signature the client only asks whether the key would do.
    && (ctx.signature === undefined || (ctx.blob !== undefined && verifies(allowed, ctx.blob, ctx.signature, ctx.hashAlgo)));
  if (ok) ctx.accept();
  else ctx.reject(["publickey"]);
}

function runCommand(stream: ServerChannel, command: string, env: Record<string, string>, children: Set<ChildProcess>): void {
  const child = spawn("bash", ["-c", command], { cwd: homedir(), stdio: "pipe", env: { ...process.env, ...env } });
  children.add(child);
  stream.pipe(child.stdin);
  child.stdin.on("error", () => undefined);
  // end:false keeps the channel open until the exit status has been sent.
  child.stdout.pipe(stream, { end: false });
  child.stderr.pipe(stream.stderr, { end: false });
  stream.on("close", () => { if (child.exitCode === null) child.kill("SIGKILL"); });
  child.on("error", (error) => { stream.stderr.write(`bash: ${error.message}\n`); });
  child.on("close", (code, signal) => {
    children.delete(child);
    if (code !== null) stream.exit(code);
    else stream.exit((signal ?? "SIGKILL").replace(/^SIG/, ""), false, "");
    stream.end();
  });
}

function serveConnection(client: Connection, allowed: ParsedKey, env: Record<string, string>, children: Set<ChildProcess>): void {
  client.on("authentication", (ctx) => { authenticate(ctx, allowed); });
  client.on("error", () => undefined);
  client.on("ready", () => {
    client.on("session", (acceptSession) => {
      const session = acceptSession();
      // A sandbox host offers exec only: no terminals, no environment passing, no shells.
      session.on("pty", (_accept, reject) => { reject(); });
      session.on("env", (_accept, reject) => { reject(); });
      session.on("shell", (_accept, reject) => { reject(); });
      session.on("exec", (accept, _reject, info) => { runCommand(accept(), info.command, env, children); });
    });
  });
}

function listen(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject).listen(0, "127.0.0.1", () => { resolve((server.address() as { port: number }).port); });
  });
}

/** Starts one ssh2 server per host on a free loopback port, accepting only the fleet's client key. */
export async function serveSsh2Hosts(hosts: SandboxServerHost[], clientPublicKeyFile: string): Promise<Ssh2Fleet> {
  const allowed = utils.parseKey(await readFile(clientPublicKeyFile));
  if (allowed instanceof Error) throw allowed;
  const connections = new Set<Connection>();
  const children = new Set<ChildProcess>();
  const servers = await Promise.all(hosts.map(async (host) => {
    const ssh = new Server({ hostKeys: [await readFile(host.hostKeyFile)] }, (client) => {
      connections.add(client);
      client.on("close", () => connections.delete(client));
      serveConnection(client, allowed, host.env, children);
    });
    // Own TCP server so Nagle can be turned off; ssh2 leaves it on, costing ~40 ms per exchange.
    const server = createServer((socket) => {
      socket.setNoDelay(true);
      ssh.injectSocket(socket);
    });
    return { server, running: { name: host.name, port: await listen(server) } };
  }));
  const close = async (): Promise<void> => {
    for (const child of children) child.kill("SIGKILL");
    for (const client of connections) client.end();
    await Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  };
  return { hosts: servers.map((s) => s.running), close };
}
