import type { Problem } from "../errors.js";
import { matchHosts, patternTerms, suggestNames } from "../inventory/limit.js";
import type { Inventory } from "../inventory/types.js";
import type { Playbook } from "../playbook/types.js";
import { t } from "../i18n/t.js";

/**
 * A play whose pattern matches no host of the inventory would be skipped silently, and the playbook half done
 * (PaaS left on the old domain while nginx moved): bad input, unless the play says `optional: true`. The whole
 * inventory counts, not `--limit`: a play whose hosts are only limited out is fine.
 */
export function emptyPlays(playbook: Playbook, inventory: Inventory): Problem[] {
  const groups = Object.keys(inventory.groups).filter((g) => g !== "all");
  return playbook.plays.flatMap((play, i) => {
    if (play.optional || matchHosts(inventory, play.hosts).length > 0) return [];
    const hints = suggestNames(inventory, patternTerms(play.hosts));
    const named = play.name === play.hosts ? "" : ` '${play.name}'`;
    const hint = hints.length > 0 ? t("inv.didYouMean", { names: hints.map((h) => `'${h}'`).join(t("inv.or")) }) : "";
    const message = t("engine.emptyPlay", { index: i + 1, named, hosts: play.hosts, file: inventory.file, hint, groups: groups.join(", ") || t("engine.none") });
    return [{ message, location: play.hostsLocation }];
  });
}
