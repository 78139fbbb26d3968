import { bkView, pinnedGeneration } from "../generations/host-layout.js";
import { GENERATIONS } from "../generations/layouts.js";
import type { Host } from "../inventory/types.js";
import { shellQuote as q } from "../steps/shell-quote.js";
import type { Probe } from "../steps/types.js";
import { contentOf, pyValues } from "./read.js";
import type { HostView } from "./types.js";
import { t } from "../i18n/t.js";

/** fix-mysql-perms' defaults: the same inventory variables set both. */
const DEFAULT_SOCKET = "/var/run/mysqld/mysqld.sock";
const DEFAULT_LOGIN = "root";
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** How doctor logs in on a mysql host: over the socket as `mysql_login_user` (root), which needs no password there (or reads ~/.my.cnf). */
export const loginOf = (host: Pick<Host, "vars">): { socket: string; user: string } => ({
  socket: text(host.vars.mysql_socket) ?? DEFAULT_SOCKET,
  user: text(host.vars.mysql_login_user) ?? DEFAULT_LOGIN,
});

/** Entries of the data dir worth a look (not mysql's, open to others, executable files, not readable by their owner); at most this many are listed. */
const MAX_ENTRIES = 200;

/**
 * Read-only, in one go on the mysql host: the server's data dir (`SELECT @@datadir`), every account's privileges
 * (information_schema, which MariaDB 5.5 and MySQL 5.7 both have: no CTE), mysql's groups, and the data dir's
 * entries that are not plainly mysql's. Exit 3: no client; 4: the server refused or did not answer.
 */
export function mysqlCommand(host: Pick<Host, "vars">): string {
  const { socket, user } = loginOf(host);
  return `command -v mysql >/dev/null 2>&1 || { echo 'the mysql client is not installed on this host' >&2; exit 3; }
bk_q() { timeout 10 mysql --protocol=socket -S ${q(socket)} -u ${q(user)} --connect-timeout=3 -N -B -e "$1"; }
d=$(bk_q 'SELECT @@datadir') || exit 4
printf 'datadir\\t%s\\n' "$d"
g=$(bk_q "SELECT GRANTEE, PRIVILEGE_TYPE, '*' FROM information_schema.USER_PRIVILEGES UNION ALL SELECT GRANTEE, PRIVILEGE_TYPE, TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES") || exit 4
printf '%s\\n' "$g" | sed -n 's/^./grant\\t&/p'
printf 'groups\\t%s\\n' "$(id -Gn mysql 2>/dev/null)"
timeout 10 find "\${d%/}" \\( ! -user mysql -o ! -group mysql -o -perm /0007 -o \\( -type f -perm /0111 \\) -o \\( -type d ! -perm -0500 \\) -o \\( -type f ! -perm -0600 \\) \\) -printf 'entry\\t%y\\t%m\\t%u\\t%g\\t%P\\n' 2>/dev/null | awk 'NR <= ${MAX_ENTRIES} { print } END { print "entries\\t" NR }'`;
}

export interface Grant {
  user: string;
  host: string;
  privilege: string;
  /** `*` for a global privilege, else the database. */
  db: string;
}

export interface DirEntry {
  /** find's %y: d, f, l… */
  type: string;
  mode: number;
  owner: string;
  group: string;
  /** Below the data dir ("" is the data dir itself). */
  rel: string;
}

export interface MysqlFacts {
  datadir: string;
  grants: Grant[];
  /** The groups of the user mysql runs as. */
  groups: string[];
  entries: DirEntry[];
  /** How many entries matched in all (only the first MAX_ENTRIES are listed). */
  matched: number;
}

/** What the mysql host answered, or why it could not. */
export function mysqlFacts(h: HostView): MysqlFacts | { problem: string } {
  const { socket, user } = loginOf(h.host);
  const r = h.facts.command(mysqlCommand(h.host));
  if (r.exitCode !== 0) {
    const why = r.stderr.trim() || `exit ${r.exitCode}`;
    return { problem: r.exitCode === 3 ? why : t("mysql.cannotLogIn", { user, socket, why }) };
  }
  const out: MysqlFacts = { datadir: "", grants: [], groups: [], entries: [], matched: 0 };
  for (const line of r.stdout.split("\n")) {
    const [tag, ...f] = line.split("\t");
    if (tag === "datadir") out.datadir = (f[0] ?? "").replace(/\/+$/, "");
    else if (tag === "groups") out.groups = (f[0] ?? "").split(/\s+/).filter(Boolean);
    else if (tag === "entries") out.matched = Number(f[0]);
    else if (tag === "grant") {
      const who = /^'(.*)'@'(.*)'$/.exec(f[0] ?? "");
      if (who) out.grants.push({ user: who[1] ?? "", host: who[2] ?? "", privilege: f[1] ?? "", db: f[2] ?? "*" });
    } else if (tag === "entry") out.entries.push({ type: f[0] ?? "", mode: parseInt(f[1] ?? "0", 8), owner: f[2] ?? "", group: f[3] ?? "", rel: f[4] ?? "" });
  }
  return out;
}

/**
 * What the mysql checks read: the server (on a mysql host), and PaaS's settings on a paas host for every
 * generation it may be (its own is picked when judging: they name the app's MySQL user).
 */
export function mysqlProbes(host: Host): Probe[] {
  const pinned = pinnedGeneration(host);
  const settings = host.groups.includes("paas") ? [...new Set((pinned ? [pinned] : GENERATIONS).flatMap((g) => bkView(host, g)?.paas_settings ?? []))] : [];
  return [...(host.groups.includes("mysql") ? [{ kind: "command" as const, command: mysqlCommand(host) }] : []), ...settings.map((path) => ({ kind: "file" as const, path }))];
}

/**
 * The app's MySQL user: `db_user` in the inventory (fix-mysql-perms' variable), else the USER PaaS's own
 * DATABASES names (install.config's MYSQL_USER, which the installer also grants to the agents), with where.
 */
export function appUser(hosts: readonly HostView[]): { user: string; from: string } | undefined {
  for (const h of hosts) {
    const v = text(h.host.vars.db_user);
    if (v !== undefined) return { user: v, from: `db_user of ${h.name} in the inventory` };
  }
  for (const h of hosts.filter((x) => x.host.groups.includes("paas") && x.generation !== null)) {
    const path = bkView(h.host, h.generation ?? "ce5")?.paas_settings;
    if (path === undefined) continue;
    const raw = pyValues(contentOf(h.facts, path) ?? "").get("DATABASES")?.raw;
    const user = raw === undefined ? undefined : /['"]USER['"]\s*:\s*['"]([^'"]+)['"]/.exec(raw)?.[1];
    if (user !== undefined) return { user, from: `DATABASES USER in ${h.name}:${path}` };
  }
  return undefined;
}
