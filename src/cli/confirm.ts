import type { HostResult } from "../engine/results.js";
import { askLine } from "../transport/prompt.js";
import { t } from "../i18n/t.js";

const listed = (names: readonly string[]): string => `${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}`;

/** What the batch just applied did, by outcome: `batch 1: changed bk-1, bk-2; failed bk-6`. */
function outcome(index: number, previous: readonly HostResult[]): string {
  const by = new Map<string, string[]>();
  for (const r of previous) by.set(r.status, [...(by.get(r.status) ?? []), r.host]);
  return t("ask.batchOutcome", { index, outcome: [...by].map(([status, hosts]) => `${status} ${listed(hosts)}`).join("; ") || t("ask.nothingToDo") });
}

/** `--confirm-each-batch`: the last batch's outcome, then an operator's yes on the terminal before each batch after the first. */
export function askEachBatch(): (index: number, hosts: readonly string[], previous: readonly HostResult[]) => Promise<string | null> {
  return async (index, hosts, previous) => {
    if (index === 0) return null;
    const answer = await askLine(t("ask.continueBatch", { outcome: outcome(index, previous), next: index + 1, count: hosts.length, hosts: listed(hosts) }));
    if (answer === null) return t("ask.interrupted");
    return /^y(es)?$/i.test(answer.trim()) ? null : t("ask.stopped");
  };
}
