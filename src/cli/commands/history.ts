import { defaultLogDir, readAudit } from "../../audit/audit-log.js";
import { painter } from "../../report/color.js";
import { t } from "../../i18n/t.js";

/** Past runs from the audit log, newest last. */
export function historyCommand(o: { logDir?: string; json?: boolean; last?: number }): void {
  const entries = readAudit(o.logDir ?? defaultLogDir()).slice(-(o.last ?? 20));
  if (o.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  const c = painter(process.stdout);
  if (entries.length === 0) process.stdout.write(`${t("cli.noRuns")}\n`);
  for (const e of entries) {
    const count = (s: string): number => e.hosts.filter((h) => h.status === s).length;
    const files = e.hosts.reduce((n, h) => n + h.files.length, 0);
    const what = e.check ? "check" : e.command;
    const result = e.exitCode === 0 ? c("green", "ok") : c("red", `exit ${e.exitCode}`);
    process.stdout.write(`${e.time}  ${e.runId}  ${what.padEnd(8)} ${e.playbook.name.padEnd(24)} ${result}  changed=${count("changed")} failed=${count("failed") + count("unreachable") + count("refused")} files=${files}  ${c("gray", e.user)}${e.approvers ? `  approved by ${e.approvers.map((a) => `${a.principal} (${a.fingerprint})`).join(", ")}` : ""}\n`);
  }
}
