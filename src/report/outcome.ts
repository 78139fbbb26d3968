import type { HostStatus } from "../engine/results.js";
import type { MessageKey } from "../i18n/catalogue/index.js";
import { t } from "../i18n/t.js";
import type { painter } from "./color.js";

/** One symbol and one colour per host outcome, the same in the live display, the recap and every list of hosts. */
export const OUTCOME: Record<HostStatus, { symbol: string; color: "green" | "yellow" | "red" | "magenta" | "gray" }> = {
  ok: { symbol: "✔", color: "green" },
  changed: { symbol: "~", color: "yellow" },
  failed: { symbol: "✗", color: "red" },
  unreachable: { symbol: "⊘", color: "red" },
  refused: { symbol: "⊗", color: "magenta" },
  "not-started": { symbol: "·", color: "gray" },
  "rolled-back": { symbol: "↺", color: "magenta" },
};

/** `✗ failed`, coloured. */
export function outcomeMark(status: HostStatus, c: ReturnType<typeof painter>): string {
  const o = OUTCOME[status];
  return c(o.color, o.symbol);
}

/** What a status says on screen: a check run's `changed` is only planned, so it "would change". */
export function statusLabel(status: HostStatus, check: boolean): string {
  return t(check && status === "changed" ? "status.wouldChange" : LABEL[status]);
}

const LABEL: Record<HostStatus, MessageKey> = {
  ok: "status.ok",
  changed: "status.changed",
  failed: "status.failed",
  unreachable: "status.unreachable",
  refused: "status.refused",
  "not-started": "status.notStarted",
  "rolled-back": "status.rolledBack",
};
