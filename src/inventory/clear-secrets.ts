import type { Problem } from "../errors.js";

/** Inventory keys that would hold a secret in clear, and the setting that names an environment variable instead. */
const NATIVE: Record<string, string> = { password: "password_env", passphrase: "passphrase_env", become_password: "become_password_env" };
const ANSIBLE: Record<string, string> = {
  ansible_password: "password_env",
  ansible_ssh_pass: "password_env",
  ansible_ssh_password: "password_env",
  ansible_become_password: "become_password_env",
  ansible_become_pass: "become_password_env",
};

/** Only the login password and a key's passphrase are asked on a terminal; sudo's password never is. */
const asked = (instead: string): string => (instead === "become_password_env" ? "" : " (or leave both out to be asked on a terminal)");

const message = (key: string, instead: string, native: boolean): string =>
  native
    ? `${key}: secrets are never stored in an inventory; remove it and set ssh.${instead} to the name of an environment variable holding it${asked(instead)}`
    : `${key}: secrets are never stored in an inventory; remove it and use a native inventory's ssh.${instead} (the name of an environment variable holding it)${asked(instead)}`;

/** The schema's "unknown key 'password'" under `ssh`, said plainly. */
export function explainClearSecret(problem: Problem): Problem {
  const key = /(?:^|\.)ssh\.(\w+)$/.exec(problem.path ?? "")?.[1];
  const instead = key === undefined ? undefined : NATIVE[key];
  return key === undefined || instead === undefined ? problem : { ...problem, message: message(key, instead, true) };
}

/** The problem with an Ansible variable that holds a secret in clear, or null. */
export function ansibleClearSecret(key: string): string | null {
  const instead = ANSIBLE[key];
  return instead === undefined ? null : message(key, instead, false);
}
