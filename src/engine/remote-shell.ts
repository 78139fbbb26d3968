import type { Host } from "../inventory/types.js";
import { shellQuote } from "../steps/shell-quote.js";
import { t } from "../i18n/t.js";

/** How a host's batched scripts are started: the command, and bytes sent on stdin before the script. */
export interface RemoteShell {
  command: string;
  stdinPrefix: string;
}

/** Ends the lines sent for sudo: whatever sudo did not read of them is skipped, never run. */
const SCRIPT_FOLLOWS = "__bkplay_script_follows__";

const isTrue = (value: unknown): boolean => value === true || (typeof value === "string" && /^(true|yes)$/i.test(value));

/** The user a host's scripts run as through sudo (ssh settings, else the vars `become`/`become_user`), or null. */
export function becomeUserOf(host: Host): string | null {
  if (!(host.ssh.become ?? isTrue(host.vars.become))) return null;
  const fromVar = host.vars.become_user;
  return host.ssh.become_user ?? (typeof fromVar === "string" && fromVar !== "" ? fromVar : "root");
}

/**
 * The shell that reads a batched script on stdin: `sh -s`, or through sudo when the host says `become`: `sudo -n`,
 * or `sudo -S` with the password from become_password_env as the first line of stdin (never in argv, never echoed).
 * A marker line follows the password, so when sudo asks none (NOPASSWD, cached) the password line is skipped, not run.
 */
export function remoteShell(host: Host): RemoteShell {
  const user = becomeUserOf(host);
  if (user === null) return { command: "sh -s", stdinPrefix: "" };
  const env = host.ssh.become_password_env;
  if (env === undefined) return { command: `sudo -n -u ${shellQuote(user)} sh -s`, stdinPrefix: "" };
  const password = process.env[env];
  if (password === undefined || password === "" || password.includes("\n")) {
    throw new Error(t("sudo.envBad", { host: host.name, env, what: t(password ? "sudo.envMultiline" : "sudo.envUnset") }));
  }
  const skipToScript = `while IFS= read -r l; do [ "$l" = ${SCRIPT_FOLLOWS} ] && exec sh -s; done; exit 125`;
  return { command: `sudo -S -p '' -u ${shellQuote(user)} sh -c ${shellQuote(skipToScript)}`, stdinPrefix: `${password}\n${SCRIPT_FOLLOWS}\n` };
}

/** sudo's own refusal on a script's stderr, as one line naming the host and the users; null when sudo did not refuse. */
export function sudoRefusal(host: Host, stderr: string): string | null {
  const user = becomeUserOf(host);
  if (user === null) return null;
  const login = /(?:user |^|\n)(\S+) (?:is not in the sudoers file|is not allowed to execute|may not run sudo)/.exec(stderr)?.[1] ?? (host.defaulted.includes("user") ? t("sudo.loginUser") : host.user);
  const prefix = t("sudo.prefix", { host: host.name, user });
  if (/a password is required/.test(stderr)) return t("sudo.needsPassword", { prefix, login });
  if (/incorrect password|Sorry, try again/.test(stderr)) return t("sudo.wrongPassword", { prefix, env: host.ssh.become_password_env ?? "", login });
  if (/is not in the sudoers file|is not allowed to execute|may not run sudo/.test(stderr)) return t("sudo.notAllowed", { prefix, login });
  if (/must have a tty/.test(stderr)) return t("sudo.tty", { prefix, login });
  if (/sudo: (command )?not found/.test(stderr)) return t("sudo.missing", { prefix });
  return null;
}
