import { StepError } from "../errors.js";
import type { Transport } from "../transport/types.js";
import { readGathered } from "./gathered.js";
import { HostFacts } from "./host-facts.js";
import { buildProbeScript } from "./probe-script.js";
import type { RemoteShell } from "./remote-shell.js";
import type { HostWork } from "./work.js";
import { t } from "../i18n/t.js";

/** Run a host's `verify:` checks (read-only, with their own retries) in one exec; null when all pass. */
export async function verifyHost(transport: Transport, shell: RemoteShell, work: HostWork): Promise<string | null> {
  if (work.verify.length === 0) return null;
  const probes = work.verify.flatMap((s) => s.type.probes(s.params, work.ctx));
  const res = await transport.exec(shell.command, { stdin: shell.stdinPrefix + buildProbeScript(probes) });
  const { facts, complete } = readGathered(probes, res.stdout.toString("utf8"));
  if (!complete) return t("verify.couldNotRun", { code: res.exitCode });
  const view = new HostFacts(facts);
  for (const s of work.verify) {
    try {
      const plan = s.type.plan(s.params, view, work.ctx);
      if (plan.changes.length > 0) return t("verify.wouldChange", { name: s.def.name });
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      return `${s.def.name}: ${err.message}`;
    }
  }
  return null;
}
