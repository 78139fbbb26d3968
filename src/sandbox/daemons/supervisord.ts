import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export const SUPERVISORD = "/usr/bin/supervisord";
/** sun_path holds 108 bytes, the last one a NUL. */
const MAX_SOCKET_PATH = 107;

export interface SupervisordSpec {
  kind: "supervisord";
  conf: string;
  socket: string;
  programs: number;
}

/** XML-RPC on supervisord's own socket (what supervisorctl speaks), without starting a Python. */
function rpc(socket: string, method: string): Promise<string> {
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

async function runningPrograms(socket: string): Promise<number> {
  const info = await rpc(socket, "supervisor.getAllProcessInfo").catch(() => "");
  return info.match(/<name>statename<\/name>\s*<value><string>RUNNING<\/string>/g)?.length ?? 0;
}

/** Starts a real supervisord (in the foreground, its own process group) and waits until every program runs. */
export async function startSupervisord(spec: SupervisordSpec, detached: boolean, timeoutMs = 20_000): Promise<number> {
  if (!existsSync(SUPERVISORD)) throw new Error(`ce5 sandbox hosts run a real supervisord, and ${SUPERVISORD} is missing: install the Debian package supervisor`);
  if (Buffer.byteLength(spec.socket) > MAX_SOCKET_PATH) {
    throw new Error(`supervisor's socket path ${spec.socket} is longer than a unix socket allows (${MAX_SOCKET_PATH} bytes): start the sandbox in a shorter --dir`);
  }
  await rm(spec.socket, { force: true });
  const child = spawn(SUPERVISORD, ["-n", "-c", spec.conf], { stdio: "ignore", detached: true });
  if (detached) child.unref();
  const deadline = Date.now() + timeoutMs;
  while ((await runningPrograms(spec.socket)) < spec.programs) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`supervisord -c ${spec.conf} exited at start (${child.exitCode ?? child.signalCode ?? "?"}); see its logfile`);
    if (Date.now() > deadline) {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      throw new Error(`supervisord -c ${spec.conf} did not run its ${spec.programs} programs within ${timeoutMs} ms`);
    }
    await sleep(30);
  }
  return child.pid ?? 0;
}
