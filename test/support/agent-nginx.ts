import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import { treeContext } from "../../src/sandbox/bk-tree.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { hostNginxArgs, REAL_NGINX } from "../../src/sandbox/standins/nginx.js";
import { ce5NginxSetup } from "../../src/sandbox/trees/ce5-nginx.js";
import { ce6NginxSetup } from "../../src/sandbox/trees/ce6-nginx.js";
import { ossNginxSetup } from "../../src/sandbox/trees/oss-nginx.js";
import { paasGeneration } from "./fleet.js";

/** Where each generation keeps the agent's server block and its nginx's pid file (README, "Generations"). */
export const AGENT_NGINX: Record<Generation, { conf: string; pid: string }> = {
  oss: { conf: "paas_agent/etc/nginx/paasagent.conf", pid: "/usr/local/nginx/logs/nginx.pid" },
  ce5: { conf: "etc/nginx/paasagent.conf", pid: "/run/nginx.pid" },
  ce6: { conf: "/usr/local/openresty/nginx/conf/conf.d/paasagent.conf", pid: "/usr/local/openresty/nginx/logs/nginx.pid" },
};

const SETUP = { oss: ossNginxSetup, ce5: ce5NginxSetup, ce6: ce6NginxSetup } as const;

/** A path of the host: under its root, or (`/…`) its sysroot. */
export const onHost = (h: SandboxHost, path: string): string => (path.startsWith("/") ? join(h.sysroot, path) : join(h.root, path));

export interface AgentNginx {
  pid: number;
  conf: string;
  pidfile: string;
  stop(): void;
}

/**
 * Starts the agent host's own nginx (the machine's, with the host's files) as seed 000 found it: it runs, but its
 * server block for the agents was empty when it started and only has its `listen` now, so nothing listens on the
 * proxy port until nginx reads its configuration again.
 */
export async function startAgentNginxWithoutPort(h: SandboxHost): Promise<AgentNginx> {
  const g = paasGeneration(h);
  const conf = onHost(h, AGENT_NGINX[g].conf);
  const pidfile = onHost(h, AGENT_NGINX[g].pid);
  const block = readFileSync(conf, "utf8");
  writeFileSync(conf, "");
  const setup = SETUP[g](treeContext(h.root, { generation: g, sysroot: h.sysroot }));
  const child = spawn(REAL_NGINX, [...hostNginxArgs(setup), "-g", "daemon off;"], { stdio: "ignore", detached: true });
  const pid = child.pid ?? 0;
  const stop = (): void => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  try {
    for (let i = 0; i < 400 && !(existsSync(pidfile) && readFileSync(pidfile, "utf8").trim() === String(pid)); i++) {
      if (child.exitCode !== null) throw new Error(`nginx for ${h.name} exited at start (${child.exitCode})`);
      await sleep(25);
    }
    if (readFileSync(pidfile, "utf8").trim() !== String(pid)) throw new Error(`nginx for ${h.name} wrote no pid file ${pidfile}`);
  } catch (error) {
    stop();
    throw error;
  } finally {
    writeFileSync(conf, block);
  }
  return { pid, conf, pidfile, stop };
}
