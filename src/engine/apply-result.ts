import { fromBase64, parseRecords } from "./probe-script.js";
import type { HostPlan } from "./plan-host.js";
import type { HostResult } from "./results.js";

/** Fold the apply script's records into the host's step results. */
export function readApplyOutput(plan: HostPlan, host: HostResult, stdout: string, stderr: string, exitCode: number): void {
  const { records, complete } = parseRecords(stdout);
  const done = new Set<number>();
  for (const r of records) {
    const step = host.steps[plan.owners[r.index] ?? -1];
    const change = plan.changes[r.index];
    if (r.field === "D") done.add(r.index);
    else if (r.field === "B") host.backups.push(fromBase64(r.values[0]));
    else if (r.field === "F" && step) fail(host, plan.owners[r.index] ?? 0, fromBase64(r.values[0]));
    else if (r.field === "Z" && step && change && "path" in change) {
      host.status = "refused";
      host.error = `${change.path} changed since it was planned (sha256 now ${r.values[0] ?? "?"})`;
      fail(host, plan.owners[r.index] ?? 0, host.error);
    } else if (r.field === "X" && step && change?.kind === "run") {
      step.commands.push({ command: change.display ?? change.command, exitCode: Number(r.values[0]), stdout: "", stderr: "" });
    } else if ((r.field === "O" || r.field === "E") && step) {
      const last = step.commands.at(-1);
      if (last) last[r.field === "O" ? "stdout" : "stderr"] = fromBase64(r.values[0]);
    }
  }
  if (!complete && !host.steps.some((s) => s.status === "failed")) {
    const first = plan.changes.findIndex((_, i) => !done.has(i));
    fail(host, plan.owners[first] ?? 0, `apply stopped early (exit ${exitCode}): ${stderr.trim().split("\n").slice(-3).join(" ") || "connection lost?"}`);
  }
}

function fail(host: HostResult, index: number, message: string): void {
  const step = host.steps[index];
  if (!step) return;
  step.status = "failed";
  step.error = message;
  if (host.status !== "refused") host.status = "failed";
  host.error ??= `${step.name}: ${message}`;
  host.steps.slice(index + 1).forEach((s) => (s.status = "not-run"));
}
