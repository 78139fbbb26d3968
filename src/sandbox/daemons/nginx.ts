import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { acceptsConnections } from "../ports.js";
import { hostNginxArgs, REAL_NGINX, type NginxSetup } from "../standins/nginx.js";

export interface NginxSpec {
  kind: "nginx";
  setup: NginxSetup;
  port: number;
}

/** Starts the machine's nginx with one host's files (master in the foreground, its own process group). */
export async function startNginx(spec: NginxSpec, detached: boolean, timeoutMs = 10_000): Promise<number> {
  const child = spawn(REAL_NGINX, [...hostNginxArgs(spec.setup), "-g", "daemon off;"], { stdio: "ignore", detached: true });
  if (detached) child.unref();
  const deadline = Date.now() + timeoutMs;
  while (!(await acceptsConnections(spec.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      const log = await readFile(spec.setup.errorLog, "utf8").catch(() => "");
      throw new Error(`nginx -c ${spec.setup.conf} did not listen on 127.0.0.1:${spec.port}:\n${log.split("\n").slice(-5).join("\n")}`);
    }
    await sleep(15);
  }
  return child.pid ?? 0;
}
