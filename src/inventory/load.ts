/**
 * Loading an inventory, whatever its format (detected from the content):
 *  - native bkplay YAML (schemas/inventory.schema.json): `vars`, `ssh`, `hosts`, `groups`;
 *  - Ansible YAML: a mapping with a top-level `all` group;
 *  - Ansible INI: `[group]`, `[group:vars]`, `[group:children]` sections, `host key=value ...` lines (ansible-ini.ts);
 *  - BlueKing install.config: lines of `IP module,module,...` (install-config.ts).
 * A `.yaml`/`.yml`/`.json` file, or one whose first line is a YAML key, `---` or `{`, is YAML; otherwise the lines
 * decide between INI and install.config (detect.ts), and INI errors on install.config-like lines say why.
 *
 * Precedence, for vars and ssh settings alike (shallow: a key replaces the whole value):
 *   host entry > group > top level (`vars`/`ssh`, or Ansible's `all`) > defaults.
 * Native: when a host is in several groups, a group declared later in the file overrides one declared earlier,
 * and when a host has several entries, a later entry overrides an earlier one (but addresses must agree).
 * Ansible: a child group overrides its parents; between unrelated groups the later-declared one wins.
 * Defaults: port 22, user root, host_key_checking strict, connection ssh, connect_timeout 10 (seconds); where the
 * inventory leaves one of these (or the address) unset, the operator's ssh_config may set it (Host.defaulted).
 * Every host is in the implicit group `all`.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { InputError } from "../errors.js";
import { decodeUtf8, parseYamlText } from "../source/yaml-file.js";
import { readAnsibleIni } from "./ansible-ini.js";
import { readAnsible } from "./ansible.js";
import { detectTextFormat } from "./detect.js";
import { InventoryDraft } from "./draft.js";
import { readInstallConfig } from "./install-config.js";
import { readNative } from "./native.js";
import type { Inventory } from "./types.js";
import { t } from "../i18n/t.js";

export function loadInventory(file: string): Inventory {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new InputError({ message: t("inv.cannotRead", { file, code: (err as NodeJS.ErrnoException).code ?? String(err) }) }, { cause: err });
  }
  const text = decodeUtf8(file, buf);
  if (!/^\.(ya?ml|json)$/i.test(extname(file)) && !looksLikeYaml(text)) return readText(file, text);
  const source = parseYamlText(file, text);
  const data = source.data;
  if (isMapping(data) && "all" in data) {
    const draft = new InventoryDraft(file, "ansible-yaml");
    const rank = readAnsible(source, draft);
    return draft.finish(source.locateKey(["all"]), rank);
  }
  const draft = new InventoryDraft(file, "native");
  readNative(source, draft);
  return draft.finish(isMapping(data) && "groups" in data ? source.locateKey(["groups"]) : { file, line: 1, col: 1 });
}

function readText(file: string, text: string): Inventory {
  const detection = detectTextFormat(text);
  const draft = new InventoryDraft(file, detection.format);
  if (detection.format === "install.config") {
    readInstallConfig(file, text, draft);
    return draft.finish({ file, line: 1, col: 1 });
  }
  const rank = readAnsibleIni(file, text, draft, detection);
  return draft.finish({ file, line: 1, col: 1 }, rank);
}

/** A YAML inventory starts with a key (`all:`, `groups:`...), `---` or `{`; INI and install.config with `[section]`, a host or an IP. */
function looksLikeYaml(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => !/^\s*(#.*)?$/.test(l)) ?? "";
  return /^\s*(---|\{|[^\s#]\S*:(\s|$))/.test(first);
}

function isMapping(data: unknown): data is Record<string, unknown> {
  return typeof data === "object" && data !== null && !Array.isArray(data);
}
