import { appUser, mysqlFacts, mysqlProbes, type DirEntry } from "../mysql-read.js";
import { planCommand } from "../read.js";
import type { Check, Verdict } from "../types.js";
import { t } from "../../i18n/t.js";

/** Can the user mysql runs as (member of `groups`) read the entry, and write it (`write`)? */
function allows(e: DirEntry, groups: readonly string[], write: boolean): boolean {
  const bits = e.owner === "mysql" ? (e.mode >> 6) & 7 : groups.includes(e.group) ? (e.mode >> 3) & 7 : e.mode & 7;
  const need = (e.type === "d" ? 5 : 4) | (write ? 2 : 0);
  return (bits & need) === need;
}

/**
 * What in the data dir stops MariaDB/MySQL, or was opened after the fact: an entry the server cannot read
 * (a folder also needs x; `(1018) Can't read dir … (errno: 13)`), a table file in a database folder it cannot
 * write; and files of its own that others may read or that are executable (the runbook's `chmod -R 755` leaves
 * every table and mysql.user's hashes readable by any local user). Files it did not create and only reads
 * (mysql_upgrade_info, written by root) are left alone.
 */
export function datadirProblems(entries: readonly DirEntry[], groups: readonly string[]): { blocked: DirEntry[]; opened: DirEntry[] } {
  const blocked = entries.filter((e) => (e.type === "d" || e.type === "f") && !allows(e, groups, e.type === "f" && e.rel.includes("/")));
  const opened = entries.filter((e) => e.type === "f" && e.owner === "mysql" && (e.mode & 0o117) !== 0 && !blocked.includes(e));
  return { blocked, opened };
}

const shownEntry = (e: DirEntry): string => `${e.rel === "" ? "." : e.rel} ${e.type === "d" ? "dir" : "file"} ${e.owner}:${e.group} ${e.mode.toString(8).padStart(4, "0")}`;

export const mysqlDatadir: Check = {
  id: "mysql.datadir",
  title: { en: "MySQL's data dir is mysql's and private", zh: "MySQL 数据目录属于 mysql 且不对外开放" },
  symptom: { en: "(1018) Can't read dir of './<db>/' (errno: 13 or 23), after a chown or chmod -R on the data dir", zh: "对数据目录执行 chown 或 chmod -R 之后报 (1018) Can't read dir of './<db>/' (errno: 13 或 23)" },
  fix: {
    en: "fix-mysql-perms gives the data dir to mysql:mysql with folders 0750 and files 0660, as MariaDB makes them (not the runbook's chmod -R 755)",
    zh: "fix-mysql-perms 把数据目录交给 mysql:mysql, 目录 0750、文件 0660, 与 MariaDB 自己创建的一致 (而非 runbook 的 chmod -R 755)",
  },
  groups: ["mysql", "paas"],
  needsGeneration: false,
  wholeFleet: true,
  probes: ({ host }) => mysqlProbes(host),
  judge: ({ hosts, inventory }) => {
    const out: Verdict[] = [];
    const user = appUser(hosts)?.user ?? "NAME";
    for (const m of hosts.filter((h) => h.host.groups.includes("mysql"))) {
      const f = mysqlFacts(m);
      if ("problem" in f) {
        out.push({ outcome: "unknown", hosts: [m.name], message: f.problem });
        continue;
      }
      const { blocked, opened } = datadirProblems(f.entries, f.groups);
      if (blocked.length === 0 && opened.length === 0) continue;
      const more = f.matched > f.entries.length ? [`… ${f.matched - f.entries.length} more entries not listed`] : [];
      const fix = { playbook: "fix-mysql-perms", command: planCommand("fix-mysql-perms", inventory, { db_user: user, datadir: f.datadir }), text: mysqlDatadir.fix };
      if (blocked.length > 0) {
        out.push({
          outcome: "fail",
          hosts: [m.name],
          message: t(blocked.length === 1 ? "datadir.cannotRead.one" : "datadir.cannotRead.many", { verb: t(blocked.some((e) => e.type === "d") ? "datadir.read" : "datadir.use"), count: blocked.length, dir: f.datadir, entries: `${blocked.slice(0, 3).map((e) => e.rel || ".").join(", ")}${blocked.length > 3 ? ", …" : ""}` }),
          evidence: [...blocked.slice(0, 20).map((e) => `${m.name}: ${f.datadir}/${shownEntry(e)}`), ...more],
          fix,
        });
      } else {
        out.push({
          outcome: "warn",
          hosts: [m.name],
          message: t(opened.length === 1 ? "datadir.open.one" : "datadir.open.many", { count: opened.length, dir: f.datadir, entries: `${opened.slice(0, 3).map((e) => e.rel).join(", ")}${opened.length > 3 ? ", …" : ""}` }),
          evidence: [...opened.slice(0, 20).map((e) => `${m.name}: ${f.datadir}/${shownEntry(e)}`), ...more],
          fix,
        });
      }
    }
    return out;
  },
};
