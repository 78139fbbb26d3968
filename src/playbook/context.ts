import type { Host, Inventory } from "../inventory/types.js";

export interface HostView {
  name: string;
  address: string;
  port: number;
  groups: string[];
  vars: Record<string, unknown>;
}

const view = (h: Host): HostView => ({ name: h.name, address: h.address, port: h.port, groups: h.groups, vars: h.vars });

/** The part every host shares, made once per inventory (it is as large as the inventory). */
const shared = new WeakMap<Inventory, { groups: Record<string, HostView[]>; hostvars: Record<string, unknown> }>();

function sharedContext(inventory: Inventory): { groups: Record<string, HostView[]>; hostvars: Record<string, unknown> } {
  let ctx = shared.get(inventory);
  if (!ctx) {
    const byName = new Map(inventory.hosts.map((h) => [h.name, h]));
    const groups = Object.fromEntries(
      Object.entries(inventory.groups).map(([g, names]) => [g, names.flatMap((n) => { const h = byName.get(n); return h ? [view(h)] : []; })]),
    );
    ctx = { groups, hostvars: Object.fromEntries(inventory.hosts.map((h) => [h.name, h.vars])) };
    shared.set(inventory, ctx);
  }
  return ctx;
}

/** What templates see besides variables: `host`, `groups` (group → hosts) and `hostvars`. */
export function inventoryContext(inventory: Inventory, host: Host | undefined): Record<string, unknown> {
  const ctx: Record<string, unknown> = { ...sharedContext(inventory) };
  if (host) ctx.host = view(host);
  return ctx;
}
