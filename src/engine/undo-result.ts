import { parseRecords } from "./probe-script.js";
import type { HostPlan } from "./plan-host.js";
import type { HostResult } from "./results.js";
import { t } from "../i18n/t.js";

/**
 * After a failed file change the apply script put back the files it had already replaced (`U i`; `V i` when one could
 * not be): those are no longer this run's, their steps did not happen, and the host's error says how it was left.
 */
export function readUndo(plan: Pick<HostPlan, "changes" | "owners">, host: HostResult, out: { runDir: string; stdout: string }): void {
  const { records } = parseRecords(out.stdout);
  const undone = records.filter((r) => r.field === "U").map((r) => r.index);
  const stuck = records.filter((r) => r.field === "V").map((r) => r.index);
  if (undone.length + stuck.length === 0) return;
  const pathOf = (i: number): string => {
    const c = plan.changes[i];
    return c && "path" in c ? c.path : "";
  };
  const back = new Set(undone.map(pathOf));
  host.files = host.files.filter((f) => !back.has(f.path));
  for (const i of undone) {
    const step = host.steps[plan.owners[i] ?? -1];
    if (!step || step.status === "failed") continue;
    step.status = "not-run";
    step.messages.push(t("undo.putBack", { path: pathOf(i) }));
  }
  const done = new Set(records.filter((r) => r.field === "D").map((r) => r.index));
  const ran = plan.changes.some((c, i) => c.kind === "run" && done.has(i));
  const files = (n: number): string => t(n === 1 ? "count.files.one" : "count.files.many", { n });
  const how =
    stuck.length > 0
      ? t("undo.stuck", { files: files(undone.length), paths: stuck.map(pathOf).join(", "), dir: out.runDir })
      : t("undo.done", { files: files(undone.length), state: t(ran ? "undo.filesAsBefore" : "undo.hostAsBefore") });
  host.error = `${host.error ?? t("undo.failed")}; ${how}`;
}
