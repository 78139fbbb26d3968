import { t } from "../i18n/t.js";
/**
 * Which reader a text (not YAML) inventory goes to. Both formats have `[section]` headers, so the lines decide:
 * install.config only when every line is a `[section]` header or `IPv4 module,module,...` (the address is checked
 * by shape here, its value by the reader, so a mistyped address is reported as one); Ansible INI as soon as one line
 * has `key=value`, a `[group:vars]`/`[group:children]` section, a `;` comment, a host name where install.config has
 * an address, or a host with nothing after it. A file with neither kind of line (only headers) is read as INI.
 */
export interface Detection {
  format: "ansible-ini" | "install.config";
  /** Why, naming the deciding line: said along with errors where the other format was plausible. */
  because: string;
  /** Lines shaped `NAME word...` with no `=`: an INI error there gets `because`, when the file also has install.config lines. */
  explainLines: ReadonlySet<number>;
}

const IPV4_SHAPE = /^\d+\.\d+\.\d+\.\d+$/;

export function detectTextFormat(text: string): Detection {
  let evidence: string | undefined;
  let configLines = 0;
  const shaped = new Set<number>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const words = line.split(/\s+/);
    if (words.length > 1 && !line.startsWith("[") && !line.includes("=")) shaped.add(index + 1);
    const why = iniEvidence(line, words);
    if (why !== null) evidence ??= t("detect.line", { line: index + 1, why });
    else if (words.length > 1 && !line.startsWith("[")) configLines++;
  }
  if (evidence !== undefined) return { format: "ansible-ini", because: evidence, explainLines: configLines > 0 ? shaped : new Set() };
  if (configLines > 0) return { format: "install.config", because: t("detect.allConfig"), explainLines: new Set() };
  return { format: "ansible-ini", because: t("detect.noConfig"), explainLines: new Set() };
}

/** What in `line` only an Ansible INI file has, or null. */
function iniEvidence(line: string, words: readonly string[]): string | null {
  if (line.startsWith(";")) return t("detect.comment");
  if (/^\[[^\]]*\]$/.test(line)) return line.includes(":") ? t("detect.section", { line }) : null;
  // A broken header: whichever reader gets the file reports it.
  if (line.startsWith("[")) return null;
  if (line.includes("=")) return t("detect.keyValue");
  const [first = ""] = words;
  if (words.length === 1) return t("detect.noModules", { name: first });
  return IPV4_SHAPE.test(first) ? null : t("detect.hostName", { name: first });
}
