import { relative } from "node:path";
import { startFleet, stopFleet, type FleetGeneration } from "../../sandbox/fleet.js";
import { t } from "../../i18n/t.js";

export async function sandboxUp(o: { hosts: number; dir: string; backend: "auto" | "sshd" | "ssh2"; generation: FleetGeneration }): Promise<void> {
  const fleet = await startFleet({ hosts: o.hosts, dir: o.dir, backend: o.backend, generation: o.generation, detached: true });
  const inv = relative(process.cwd(), fleet.inventoryFile) || fleet.inventoryFile;
  if (fleet.replaced) process.stdout.write(`${t("sandbox.replaced", { dir: o.dir })}\n`);
  process.stdout.write(`${t("sandbox.up", { count: fleet.hosts.length, backend: fleet.backend, generation: fleet.generation })}\n`);
  for (const h of fleet.hosts) {
    const nginx = h.nginxPort === undefined ? "" : `  nginx on ${h.nginxPort}`;
    const root = h.generation === "ce7" ? `sysroot=${h.sysroot}` : `paas_root=${h.root}`;
    process.stdout.write(`  ${h.name}  port ${h.port}  ${h.generation}  [${h.roles.join(", ")}]  ${root}${nginx}\n`);
  }
  process.stdout.write(`${t(fleet.generation === "ce7" ? "sandbox.tryNodes" : "sandbox.try", { inv, dir: o.dir })}\n`);
}

export async function sandboxDown(o: { dir: string }): Promise<void> {
  const stopped = await stopFleet(o.dir);
  process.stdout.write(`${t(stopped ? "sandbox.stopped" : "sandbox.none", { dir: o.dir })}\n`);
}
