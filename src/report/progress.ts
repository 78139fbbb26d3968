import { Listr, ListrLogger, PRESET_TIMER, ProcessOutput, Spinner, type DefaultRenderer, type ListrDefaultRendererLogLevels, type ListrTaskWrapper, type SimpleRenderer } from "listr2";
import type { RunEvent } from "../engine/run-playbook.js";
import type { HostResult } from "../engine/results.js";
import { showPromptsOn } from "../transport/prompt.js";

const PHASE_TEXT = { connect: "connecting", probe: "reading state", apply: "applying", verify: "verifying", rollback: "rolling back" } as const;
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

function summary(result: HostResult): string {
  return `${result.host}: ${result.status}${result.error ? ` — ${result.error.split("\n")[0] ?? ""}` : ""}`;
}

/** listr2 progress: a line per host (a counter above 20 hosts); plain lines when not on a TTY or under CI. */
export function startProgress(hosts: readonly string[], title: string, redact: (s: string) => string): Progress {
  const waiters = new Map<string, { task?: Task; resolve: () => void }>();
  const pending = new Map<string, RunEvent>();
  const plain = !process.stdout.isTTY || Boolean(process.env.CI);
  const collapsed = hosts.length > COLLAPSE_ABOVE;
  let finished = 0;
  const counts = new Map<string, number>();
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
    rendererOptions: { timer: PRESET_TIMER, spinner, logger: new ListrLogger<ListrDefaultRendererLogLevels>({ useIcons: true, processOutput: output }) },
    fallbackRendererOptions: { timer: PRESET_TIMER },
  });
  const running = listr.run();

  const apply = (e: RunEvent): void => {
    if (collapsed) {
      if (e.phase !== "done") return;
      finished++;
      counts.set(e.result.status, (counts.get(e.result.status) ?? 0) + 1);
      if (counter) counter.title = `${title}: ${finished}/${hosts.length} hosts done (${[...counts].map(([k, v]) => `${v} ${k}`).join(", ")})`;
      if (finished === hosts.length) releaseCounter();
      return;
    }
    const w = waiters.get(e.host);
    if (!w?.task) {
      pending.set(e.host, e);
      return;
    }
    if (e.phase === "done") {
      w.task.title = redact(summary(e.result));
      w.resolve();
    } else if (!plain) {
      // The line-by-line renderer prints outputs without their host: there, each host's final line is enough.
      w.task.output = PHASE_TEXT[e.phase];
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
