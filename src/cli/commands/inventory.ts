import { probeGenerations } from "../../engine/probe-generations.js";
import { selectHosts } from "../../inventory/limit.js";
import { loadInventory } from "../../inventory/load.js";
import { painter } from "../../report/color.js";
import { makeRedactor, redactDeep } from "../../report/redact.js";
import { t } from "../../i18n/t.js";

export interface InventoryFlags {
  inventory: string;
  limit?: string;
  json?: boolean;
  /** Connect to each host and read its BlueKing generation from its marker files (read-only). */
  probe?: boolean;
  forks: number;
}

export async function inventoryCommand(o: InventoryFlags): Promise<void> {
  const inventory = loadInventory(o.inventory);
  const selected = selectHosts(inventory, o.limit);
  const probed = o.probe ? new Map((await probeGenerations(selected, { forks: o.forks })).map((p) => [p.host, p])) : undefined;
  const hosts = selected.map((h) => {
    const p = probed?.get(h.name);
    return { name: h.name, address: h.address, port: h.port, user: h.user, groups: h.groups, vars: h.vars, ssh: h.ssh, ...(p ? { generation: p.generation ?? null, ...(p.error !== undefined ? { error: p.error } : {}) } : {}) };
  });
  const redact = makeRedactor([]);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(redactDeep({ file: inventory.file, format: inventory.format, hosts }, redact), null, 2)}\n`);
    return;
  }
  const c = painter(process.stdout);
  process.stdout.write(`${c("gray", t(hosts.length === 1 ? "cli.inventoryHead.one" : "cli.inventoryHead.many", { file: inventory.file, format: inventory.format, count: hosts.length }))}\n`);
  for (const h of hosts) {
    process.stdout.write(`${c("bold", h.name)}  ${h.user}@${h.address}:${h.port}  [${h.groups.join(", ")}]\n`);
    if ("generation" in h) {
      const g = h.generation ? `${c("bold", h.generation.name)} (${h.generation.from === "inventory" ? t("inventory.fromInventory") : t("inventory.found", { from: h.generation.from })})` : c("yellow", t("inventory.unknown"));
      process.stdout.write(`    ${t("cli.generation")}: ${g}${"error" in h && h.error ? `  ${c("gray", h.error)}` : ""}\n`);
    }
    for (const [k, v] of Object.entries(h.vars)) process.stdout.write(redact(`    ${k} = ${JSON.stringify(v)}\n`));
  }
}
