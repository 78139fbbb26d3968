import { randomBytes } from "node:crypto";
import { execute, type ExecFlags } from "../execute.js";
import { loadInputsAsking, type InputFlags } from "../load-inputs.js";
import { now } from "../clock.js";

export interface RunFlags extends InputFlags, ExecFlags {
  check?: boolean;
}

export function newRunId(at = now()): string {
  return `${at.toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomBytes(3).toString("hex")}`;
}

export async function runCommand(ref: string, flags: RunFlags): Promise<void> {
  await execute(await loadInputsAsking(ref, flags), flags, { command: "run", check: Boolean(flags.check), runId: newRunId() });
}
