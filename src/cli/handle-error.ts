import { CommanderError } from "commander";
import { DriftError, EXIT, InputError } from "../errors.js";
import { t } from "../i18n/t.js";

/** The one catch: user errors are one located line each, no stack; anything else is a bug. */
export function handleError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return 0;
    return EXIT.badInput;
  }
  if (err instanceof InputError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT.badInput;
  }
  if (err instanceof DriftError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT.drift;
  }
  process.stderr.write(`${t("cli.internalError")}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.internal;
}
