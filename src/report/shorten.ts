/** Longest command or query a message shows whole; `--verbose` and `--json` show every one whole. */
const MAX_QUOTED = 72;

/** A command as a message quotes it: its first line, cut to MAX_QUOTED characters with `…`, unless verbose. */
export function shortCommand(command: string, verbose: boolean): string {
  const flat = command.trim();
  if (verbose) return flat;
  const first = flat.split("\n")[0]?.trimEnd() ?? "";
  const cut = first.length > MAX_QUOTED ? `${first.slice(0, MAX_QUOTED)}…` : first;
  return cut.length < flat.length && !cut.endsWith("…") ? `${cut} …` : cut;
}

/**
 * A message's first line with every `quoted command` in it shortened, so the cause is not buried under a
 * 20-line query; the whole message when verbose.
 */
export function shortMessage(message: string, verbose: boolean): string {
  const shortened = message.replace(/`([^`]+)`/g, (_, quoted: string) => `\`${shortCommand(quoted, verbose)}\``);
  return verbose ? shortened : (shortened.split("\n")[0] ?? shortened);
}
