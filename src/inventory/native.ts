import { readFileSync } from "node:fs";
import { join } from "node:path";
import { schemasDir } from "../paths.js";
import { controlProblem } from "../source/control-chars.js";
import type { Problem } from "../errors.js";
import type { YamlSource } from "../source/yaml-file.js";
import { explainClearSecret } from "./clear-secrets.js";
import type { InventoryDraft, Layer } from "./draft.js";
import type { SshSettings } from "./types.js";
import { checkInventorySchema } from "./validate.js";
import { t } from "../i18n/t.js";

interface Entry {
  vars?: Record<string, unknown>;
  ssh?: SshSettings;
}
interface HostEntry extends Entry {
  address?: string;
  port?: number;
}
type Hosts = Record<string, HostEntry | null>;
interface Group extends Entry {
  hosts?: Hosts;
}
interface NativeFile extends Entry {
  hosts?: Hosts;
  groups?: Record<string, Group | null>;
}

let schema: Record<string, unknown> | undefined;

/** Read once: the same file is what editors validate against, so the two never drift apart. */
function nativeSchema(): Record<string, unknown> {
  schema ??= JSON.parse(readFileSync(join(schemasDir, "inventory.schema.json"), "utf8")) as Record<string, unknown>;
  return schema;
}

/** Fill `draft` from a native bkplay inventory (schemas/inventory.schema.json). */
export function readNative(source: YamlSource, draft: InventoryDraft): void {
  const data = (source.data ?? {}) as NativeFile;
  // Checked before the schema so it is reported along with every other problem (data may be any shape here).
  if (Object.hasOwn(Object(data.groups) as object, "all")) {
    draft.problems.push({
      message: t("inv.allReserved"),
      location: source.locateKey(["groups", "all"]),
      path: "groups.all",
    });
  }
  draft.problems.push(...checkInventorySchema(nativeSchema(), data, source).map(explainClearSecret));
  if (draft.problems.length > 0) return;
  draft.problems.push(...controlProblems(data, source));
  if (draft.problems.length > 0) return;
  draft.top.push(layerOf(data));
  // In file order, so that hosts keep their declaration order whether `hosts` or `groups` comes first.
  for (const key of Object.keys(data)) {
    if (key === "hosts") readHosts(data.hosts ?? {}, ["hosts"], source, draft);
    if (key !== "groups") continue;
    for (const [name, group] of Object.entries(data.groups ?? {})) {
      draft.declareGroup(name, layerOf(group ?? {}));
      for (const host of readHosts(group?.hosts ?? {}, ["groups", name, "hosts"], source, draft)) draft.join(name, host);
    }
  }
}

function readHosts(hosts: Hosts, at: string[], source: YamlSource, draft: InventoryDraft): string[] {
  for (const [name, entry] of Object.entries(hosts)) {
    const path = [...at, name];
    const layer = layerOf(entry ?? {});
    if (entry?.port !== undefined) {
      if (entry.ssh?.port !== undefined) {
        draft.problems.push({ message: t("inv.portTwice"), location: source.locate([...path, "port"]), path: [...path, "port"].join(".") });
      }
      layer.ssh = { ...layer.ssh, port: entry.port };
    }
    const address = entry?.address === undefined ? undefined : { value: entry.address, at: source.locate([...path, "address"]) };
    draft.declareHost(name, source.locateKey(path), layer, address);
  }
  return Object.keys(hosts);
}

function layerOf(entry: Entry): Layer {
  const layer: Layer = {};
  if (entry.vars) layer.vars = entry.vars;
  if (entry.ssh) layer.ssh = entry.ssh;
  return layer;
}

/** Variables at every level, refused where a value holds a control character (see control-chars.ts). */
function controlProblems(data: NativeFile, source: YamlSource): Problem[] {
  const levels: [Record<string, unknown> | undefined, string[]][] = [[data.vars, []]];
  const hosts = (entries: Hosts | undefined, at: string[]): void => {
    for (const [name, h] of Object.entries(entries ?? {})) levels.push([h?.vars, [...at, name]]);
  };
  hosts(data.hosts, ["hosts"]);
  for (const [name, g] of Object.entries(data.groups ?? {})) {
    levels.push([g?.vars, ["groups", name]]);
    hosts(g?.hosts, ["groups", name, "hosts"]);
  }
  return levels.flatMap(([vars, at]) =>
    Object.entries(vars ?? {}).flatMap(([key, value]) => {
      const path = [...at, "vars", key];
      const p = controlProblem(value, `variable '${key}'`, source.locate(path));
      return p ? [{ ...p, path: path.join(".") }] : [];
    }),
  );
}
