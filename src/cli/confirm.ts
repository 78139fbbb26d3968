import { askLine } from "../transport/prompt.js";

/** `--confirm-each-batch`: an operator's yes on the terminal before each batch after the first. */
export function askEachBatch(): (index: number, hosts: readonly string[]) => Promise<string | null> {
  return async (index, hosts) => {
    if (index === 0) return null;
    const answer = await askLine(`batch ${index + 1} (${hosts.length} hosts: ${hosts.slice(0, 5).join(", ")}${hosts.length > 5 ? ", …" : ""}) — continue? [y/N] `);
    if (answer === null) return "interrupted (Ctrl-C)";
    return /^y(es)?$/i.test(answer.trim()) ? null : "stopped by the operator";
  };
}
