import { selectHosts } from "../../inventory/limit.js";
import { loadInventory } from "../../inventory/load.js";
import { painter } from "../../report/color.js";
import { makeRedactor } from "../../report/redact.js";

export function inventoryCommand(o: { inventory: string; limit?: string; json?: boolean }): void {
  const inventory = loadInventory(o.inventory);
  const hosts = selectHosts(inventory, o.limit).map((h) => ({ name: h.name, address: h.address, port: h.port, user: h.user, groups: h.groups, vars: h.vars, ssh: h.ssh }));
  const redact = makeRedactor([]);
  if (o.json) {
    process.stdout.write(`${redact(JSON.stringify({ file: inventory.file, format: inventory.format, hosts }, null, 2))}\n`);
    return;
  }
  const c = painter(process.stdout);
  process.stdout.write(c("gray", `${inventory.file} (${inventory.format}), ${hosts.length} host${hosts.length === 1 ? "" : "s"}\n`));
  for (const h of hosts) {
    process.stdout.write(`${c("bold", h.name)}  ${h.user}@${h.address}:${h.port}  [${h.groups.join(", ")}]\n`);
    for (const [k, v] of Object.entries(h.vars)) process.stdout.write(redact(`    ${k} = ${JSON.stringify(v)}\n`));
  }
}
