import { isIP } from "node:net";
import { fileEditSchema, planWrite, readEditable, type FileEditParams } from "./file-edit.js";
import { shellQuote as q } from "./shell-quote.js";
import { joinLines, splitLines } from "./text-lines.js";
import type { Facts, Probe, StepType } from "./types.js";
import { warning } from "./warning.js";
import { t } from "../i18n/t.js";

export type HostsEntryParams = FileEditParams & {
  ip: string;
  names: string[];
  resolve?: boolean;
};

/** What the host's resolver answers for a name, as curl would see it (getaddrinfo: the hosts file, then DNS). */
export const lookup = (name: string): string => `getent ahosts ${q(name)}`;

/** The addresses in `getent ahosts` output, each once. */
export const lookedUp = (stdout: string): string[] => [...new Set(stdout.split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "").filter((a) => a !== ""))];

/** A hosts-file line's address and names (its comment left out); null for a blank, comment or malformed line. */
function entryOf(line: string): { ip: string; names: string[] } | null {
  const [ip = "", ...names] = line.replace(/#.*$/, "").trim().split(/\s+/);
  return isIP(ip) !== 0 && names.length > 0 ? { ip, names: names.map((n) => n.toLowerCase()) } : null;
}

/** The line without the name (lower case) and the blanks before it, the rest as it was; null when no name would be left. */
function withoutName(line: string, name: string): string | null {
  const hash = line.indexOf("#");
  // Words at even places, the blanks between them at odd ones.
  const parts = (hash < 0 ? line : line.slice(0, hash)).split(/(\s+)/);
  const kept: string[] = [];
  parts.forEach((p, i) => {
    if (i > 0 && i % 2 === 0 && p.toLowerCase() === name) kept.pop();
    else kept.push(p);
  });
  const body = kept.join("");
  return entryOf(body) === null ? null : body + (hash < 0 ? "" : line.slice(hash));
}

/** Whether the resolver already answers exactly `ip` for the name; a message either way when it was asked. */
function resolved(facts: Facts, name: string, ip: string): { ok: boolean; message?: string } {
  const r = facts.command(lookup(name));
  if (r.exitCode === 2) return { ok: false };
  if (r.exitCode !== 0) return { ok: false, message: t("hosts.cannotAsk", { name, command: lookup(name), why: r.stderr.trim() || `exit ${r.exitCode}` }) };
  const answers = lookedUp(r.stdout);
  if (answers.length === 1 && answers[0] === ip) return { ok: true, message: t("hosts.resolvedByDns", { name, ip }) };
  return { ok: false, message: warning(t("hosts.dnsElsewhere", { name, answers: answers.join(", "), ip })) };
}

export const hostsEntry: StepType<HostsEntryParams> = {
  name: "hosts_entry",
  summary: "Map names to an address in a hosts file: one line per name, lines naming it elsewhere corrected, other lines untouched",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file", "ip", "names"],
    properties: {
      ...fileEditSchema,
      ip: { type: "string", anyOf: [{ format: "ipv4" }, { format: "ipv6" }], description: "The address the names must resolve to." },
      names: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", format: "hostname" }, description: "Host names to map to ip." },
      resolve: {
        type: "boolean",
        default: true,
        description: "A name the hosts file does not list and the resolver (getent ahosts, DNS) already answers with exactly ip needs no line.",
      },
    },
  },
  probes: (p) => [{ kind: "file", path: p.file }, ...(p.resolve === false ? [] : p.names.map((n): Probe => ({ kind: "command", command: lookup(n) })))],
  plan(params, facts) {
    const { fact, content } = readEditable(facts, params.file);
    const text = splitLines(content);
    const family = isIP(params.ip);
    const messages: string[] = [];
    for (const name of params.names) {
      const lower = name.toLowerCase();
      // Lines of the same family naming it: the first one wins in glibc's files lookup.
      const naming = text.lines.map((l, i) => ({ i, e: entryOf(l) })).filter((x) => x.e !== null && isIP(x.e.ip) === family && x.e.names.includes(lower));
      const right = naming.filter((x) => x.e?.ip === params.ip);
      const wrong = naming.filter((x) => x.e?.ip !== params.ip);
      if (wrong.length === 0 && right.length > 0) continue;
      if (naming.length === 0 && params.resolve !== false) {
        const r = resolved(facts, name, params.ip);
        if (r.message !== undefined) messages.push(r.message);
        if (r.ok) continue;
      }
      const line = `${params.ip} ${name}`;
      // The first wrong line becomes the right one (in its place); the name leaves the others.
      const [first] = wrong;
      for (const w of [...wrong].reverse()) {
        const rest = withoutName(text.lines[w.i] ?? "", lower);
        const replace = right.length === 0 && w === first ? [...(rest === null ? [] : [rest]), line] : rest === null ? [] : [rest];
        text.lines.splice(w.i, 1, ...replace);
      }
      if (wrong.length === 0) {
        text.lines.push(line);
        text.finalEol = true;
      }
    }
    return planWrite(params, fact, joinLines(text), messages);
  },
};
