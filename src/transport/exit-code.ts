import { constants } from "node:os";

/** Shell convention: death by signal N reads as 128+N; no status at all, or an unknown signal, as 255. */
export function exitCodeOf(code: number | null | undefined, signal: string | null | undefined): number {
  if (typeof code === "number") return code;
  const signo = signal ? (constants.signals as Record<string, number | undefined>)[signal] : undefined;
  return signo === undefined ? 255 : 128 + signo;
}
