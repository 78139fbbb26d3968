import type { SourceLocation } from "../errors.js";
import { ansibleLayer } from "./ansible-vars.js";
import type { InventoryDraft } from "./draft.js";
import { expandHostRange } from "./host-range.js";
import { keyValue, tokenize, VAR_NAME } from "./ini-line.js";
import { t } from "../i18n/t.js";

const HOST_NAME = /^[A-Za-z0-9_.-]+$/;


/**
 * Declare the hosts of one INI host line, `NAME[:PORT] [key=value ...]` (NAME may hold ranges, `web[01:03]`), and
 * return their names ([] after reporting a problem with the name).
 */
export function readHostLine(
  raw: string,
  line: number,
  at: (line: number, col: number) => SourceLocation,
  fail: (line: number, col: number, message: string) => void,
  draft: InventoryDraft,
): string[] {
  const tokens = tokenize(raw);
  if (!Array.isArray(tokens)) {
    fail(line, tokens.col, tokens.message);
    return [];
  }
  const [first, ...rest] = tokens;
  if (first === undefined) return [];
  const vars: Record<string, unknown> = {};
  const cols = new Map<string, number>();
  for (const token of rest) {
    const kv = keyValue(token);
    if (kv === null) fail(line, token.col, t("ini.notKeyValue", { token: token.text, shape: t("ini.hostShape") }));
    else if (!VAR_NAME.test(kv.key)) fail(line, token.col, t("ini.badVarName", { name: kv.key }));
    else {
      vars[kv.key] = kv.value;
      cols.set(kv.key, token.col);
    }
  }
  const { layer, address } = ansibleLayer(vars, (key) => ({ location: at(line, cols.get(key) ?? first.col) }), draft.problems, true);
  const target = splitPort(first.text);
  if (target.port !== undefined) {
    const port = Number(target.port);
    if (port < 1 || port > 65535) fail(line, first.col, t("ini.badPort", { port: target.port, text: first.text }));
    else layer.ssh = { port, ...layer.ssh };
  }
  const names = expandHostRange(target.host);
  if ("error" in names) {
    fail(line, first.col, names.error);
    return [];
  }
  const bad = names.find((name) => !HOST_NAME.test(name));
  if (bad !== undefined) {
    fail(line, first.col, t("ini.badHost", { name: bad }));
    return [];
  }
  for (const name of names) draft.declareHost(name, at(line, first.col), layer, address);
  return names;
}

/** `host:2222` (also `web[01:03]:2222`): a port after the last colon outside a range. */
function splitPort(pattern: string): { host: string; port?: string } {
  const m = /^(.+):(\d+)$/.exec(pattern);
  if (!m?.[1] || m[1].replace(/\[[^\]]*\]/g, "").includes(":")) return { host: pattern };
  return { host: m[1], port: m[2] ?? "" };
}
