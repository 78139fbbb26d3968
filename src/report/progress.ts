import { Listr, ListrDefaultRendererLogLevels, ListrLogger, ListrLogLevels, PRESET_TIMER, ProcessOutput, Spinner, type DefaultRenderer, type ListrTaskWrapper, type SimpleRenderer } from "listr2";
import type { RunEvent } from "../engine/run-playbook.js";
import type { HostResult, HostStatus } from "../engine/results.js";
import { t } from "../i18n/t.js";
import { painter } from "./color.js";
import { OUTCOME, statusLabel } from "./outcome.js";
import { shortMessage } from "./shorten.js";
import { showPromptsOn } from "../transport/prompt.js";

const PHASE_TEXT = { connect: "progress.connect", probe: "progress.probe", apply: "progress.apply", verify: "progress.verify", rollback: "progress.rollback" } as const;
/** Above this many hosts, one live counter replaces the line per host. */
const COLLAPSE_ABOVE = 20;

export interface Progress {
  onEvent(event: RunEvent): void;
  finish(): Promise<void>;
}

type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

/** listr2's spinner, which also drives the redraws, able to stand still while the terminal asks for a secret. */
class PausableSpinner extends Spinner {
  private tick: (() => void) | undefined;

  override start(cb?: () => void, interval?: number): void {
    this.tick = cb;
    super.start(cb, interval);
  }

  resume(): void {
    if (this.tick) super.start(this.tick);
  }
}

/** A host's final line: its outcome's own symbol and colour (as in the recap), never listr2's green tick. */
function summary(result: HostResult, check: boolean, c: ReturnType<typeof painter>): string {
  const o = OUTCOME[result.status];
  return c(o.color, `${o.symbol} ${result.host}: ${statusLabel(result.status, check)}${result.error ? ` — ${shortMessage(result.error, false)}` : ""}`);
}

/** `24/24 hosts done (6 ok, 18 changed)`: only hosts of this display count, so the numbers add up. */
function counterText(title: string, finished: number, total: number, counts: ReadonlyMap<HostStatus, number>, check: boolean, c: ReturnType<typeof painter>): string {
  const parts = [...counts].map(([status, n]) => c(OUTCOME[status].color, `${OUTCOME[status].symbol} ${n} ${statusLabel(status, check)}`));
  return t("progress.counter", { title, finished, total, parts: parts.length > 0 ? ` (${parts.join(", ")})` : "" });
}

/** listr2 progress: a line per host (a counter above 20 hosts); plain lines when not on a TTY or under CI. */
export function startProgress(hosts: readonly string[], title: string, redact: (s: string) => string, options: { check: boolean }): Progress {
  const waiters = new Map<string, { task?: Task; resolve: () => void }>();
  const pending = new Map<string, RunEvent>();
  const plain = !process.stdout.isTTY || Boolean(process.env.CI);
  const collapsed = hosts.length > COLLAPSE_ABOVE;
  const mine = new Set(hosts);
  const c = painter(process.stdout);
  let finished = 0;
  const counts = new Map<HostStatus, number>();
  let counter: Task | undefined;
  let releaseCounter = (): void => undefined;

  const tasks = collapsed
    ? [{ title, task: (_: unknown, task: Task) => new Promise<void>((resolve) => { counter = task; releaseCounter = resolve; }) }]
    : hosts.map((host) => ({
        title: host,
        task: (_: unknown, task: Task) => new Promise<void>((resolve) => { waiters.set(host, { task, resolve }); const e = pending.get(host); if (e) apply(e); }),
      }));
  const spinner = new PausableSpinner();
  const output = new ProcessOutput();
  const listr = new Listr(tasks, {
    concurrent: true,
    exitOnError: false,
    // Ctrl-C is the run's own (hosts in flight finish, then the report): listr2 would fail every task and exit.
    registerSignalListeners: false,
    renderer: "default",
    fallbackRenderer: "simple",
    fallbackRendererCondition: plain,
    // A finished host's line carries its own outcome symbol: listr2's ✔ would say "done" for failed hosts too.
    rendererOptions: { timer: PRESET_TIMER, spinner, icon: { [ListrDefaultRendererLogLevels.COMPLETED]: "" }, logger: new ListrLogger<ListrDefaultRendererLogLevels>({ useIcons: true, processOutput: output }) },
    fallbackRendererOptions: { timer: PRESET_TIMER, icon: { [ListrLogLevels.COMPLETED]: "" } },
  });
  const running = listr.run();

  const apply = (e: RunEvent): void => {
    // Hosts only read for another host's condition report too; they are not this display's.
    if (!mine.has(e.host)) return;
    if (collapsed) {
      if (e.phase !== "done") return;
      finished++;
      counts.set(e.result.status, (counts.get(e.result.status) ?? 0) + 1);
      if (counter) counter.title = counterText(title, finished, hosts.length, counts, options.check, c);
      if (finished === hosts.length) releaseCounter();
      return;
    }
    const w = waiters.get(e.host);
    if (!w?.task) {
      pending.set(e.host, e);
      return;
    }
    if (e.phase === "done") {
      w.task.title = redact(summary(e.result, options.check, c));
      w.resolve();
    } else if (e.phase === "lock-wait") {
      // Waiting may last minutes: said even on plain lines, with the host, since it explains the wait.
      w.task.output = redact(`${plain ? `${e.host}: ` : ""}${t("progress.lockWait", { holder: e.holder })}`);
    } else if (!plain) {
      // The line-by-line renderer prints outputs without their host: there, each host's final line is enough.
      w.task.output = t(PHASE_TEXT[e.phase]);
    }
  };
  // While a password or passphrase is asked the display stands still (events wait), so the question stays readable.
  let held: RunEvent[] | null = null;
  const giveBack = plain
    ? () => undefined
    : showPromptsOn({
        suspend: () => {
          held = [];
          spinner.stop();
        },
        write: (text) => output.stderr.write(text),
        resume: () => {
          const events = held ?? [];
          held = null;
          events.forEach(apply);
          spinner.resume();
        },
      });
  return {
    onEvent: (e) => {
      if (held) held.push(e);
      else apply(e);
    },
    async finish() {
      giveBack();
      for (const w of waiters.values()) w.resolve();
      releaseCounter();
      await running;
    },
  };
}
