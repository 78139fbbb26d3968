/** First Ctrl-C: start nothing new, let hosts in flight finish, then report. Second: leave at once. */
export function interruptOnCtrlC(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onInt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.exitCode = 130;
    process.stderr.write("\ninterrupted: finishing the hosts in flight, starting no others (Ctrl-C again to leave now)\n");
  };
  process.on("SIGINT", onInt);
  return { signal: controller.signal, release: () => process.off("SIGINT", onInt) };
}
