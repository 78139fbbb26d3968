import { relative } from "node:path";
import { startFleet, stopFleet, type FleetGeneration } from "../../sandbox/fleet.js";

export async function sandboxUp(o: { hosts: number; dir: string; backend: "auto" | "sshd" | "ssh2"; generation: FleetGeneration }): Promise<void> {
  const fleet = await startFleet({ hosts: o.hosts, dir: o.dir, backend: o.backend, generation: o.generation, detached: true });
  const inv = relative(process.cwd(), fleet.inventoryFile) || fleet.inventoryFile;
  if (fleet.replaced) process.stdout.write(`sandbox: the fleet running in ${o.dir} was stopped and its hosts' trees written afresh (changes made on them are gone)\n`);
  process.stdout.write(`sandbox: ${fleet.hosts.length} hosts up (${fleet.backend}, ${fleet.generation}) on 127.0.0.1\n`);
  for (const h of fleet.hosts) {
    const nginx = h.nginxPort === undefined ? "" : `  nginx on ${h.nginxPort}`;
    const root = h.generation === "ce7" ? `sysroot=${h.sysroot}` : `paas_root=${h.root}`;
    process.stdout.write(`  ${h.name}  port ${h.port}  ${h.generation}  [${h.roles.join(", ")}]  ${root}${nginx}\n`);
  }
  const tryIt = fleet.generation === "ce7" ? `bkplay doctor -i ${inv}` : `bkplay run change-domain -i ${inv} -e new_domain=paas.example.com --check --diff`;
  process.stdout.write(`inventory: ${inv}\ntry:  ${tryIt}\nstop: bkplay sandbox down --dir ${o.dir}\n`);
}

export async function sandboxDown(o: { dir: string }): Promise<void> {
  const stopped = await stopFleet(o.dir);
  process.stdout.write(stopped ? `sandbox in ${o.dir} stopped\n` : `no sandbox fleet in ${o.dir} (no fleet.json there): nothing to stop\n`);
}
