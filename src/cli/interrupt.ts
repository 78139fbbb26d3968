import { t } from "../i18n/t.js";
/** First Ctrl-C: start nothing new, let hosts in flight finish, then report. Second: leave at once. */
export function interruptOnCtrlC(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onInt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.exitCode = 130;
    process.stderr.write(`${t("cli.interrupted")}\n`);
  };
  process.on("SIGINT", onInt);
  return { signal: controller.signal, release: () => process.off("SIGINT", onInt) };
}
