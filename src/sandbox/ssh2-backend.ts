import { spawn } from "node:child_process";
import { once } from "node:events";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { packageRoot } from "../paths.js";
import type { RunningHost, SandboxServerHost } from "./server-host.js";
import { serveSsh2Hosts } from "./ssh2-server.js";

/** Runs the ssh2 servers here (`stop` closes them) or in a detached node process (`pid` set). */
export async function startSsh2Hosts(
  hosts: SandboxServerHost[],
  clientPublicKeyFile: string,
  fleetDir: string,
  detached: boolean,
): Promise<{ hosts: RunningHost[]; stop: () => Promise<void> }> {
  if (!detached) {
    const fleet = await serveSsh2Hosts(hosts, clientPublicKeyFile);
    return { hosts: fleet.hosts, stop: () => fleet.close() };
  }
  // A file of its own even when this code runs from the bundled CLI.
  const entry = join(packageRoot, "dist", "src", "sandbox", "ssh2-daemon.js");
  const log = await open(join(fleetDir, "ssh2-daemon.log"), "a");
  const child = spawn(process.execPath, [entry, JSON.stringify({ hosts, clientPublicKeyFile })], {
    stdio: ["ignore", "pipe", log.fd],
    detached: true,
  });
  await log.close();
  if (child.stdout === null) throw new Error("ssh2 sandbox daemon started without a stdout pipe");
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([once(lines, "line"), once(child, "exit")])) as unknown[];
  lines.close();
  child.stdout.destroy();
  child.unref();
  if (typeof first !== "string") throw new Error(`ssh2 sandbox daemon exited at start; see ${join(fleetDir, "ssh2-daemon.log")}`);
  const pid = child.pid ?? 0;
  return { hosts: (JSON.parse(first) as RunningHost[]).map((h) => ({ ...h, pid })), stop: () => Promise.resolve() };
}
