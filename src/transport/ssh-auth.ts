import { homedir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey } from "ssh2";
import { ConnectError } from "../errors.js";
import { readParsed } from "./file-cache.js";
import { describeHost } from "./host-key-check.js";
import { askSecret } from "./prompt.js";
import type { ResolvedSpec } from "./ssh-config.js";
import { t } from "../i18n/t.js";

// ssh2 is CommonJS and exposes its API as one object.
const { utils } = ssh2;

/** Waits for an operator's answer without the connect timeout running meanwhile. */
export type Hold = <T>(work: Promise<T>) => Promise<T>;

/** The credentials for one connection, offered in OpenSSH's order: agent, key files, then a password. */
export interface SshAuth {
  handler: (hold: Hold) => AuthHandlerMiddleware;
  /** The one-line reason, when the server refused everything offered. */
  refused: () => string;
}

interface Key {
  file: string;
  text: Buffer;
  /** Parsed once per process for every connection; null while a passphrase is needed. */
  parsed: ParsedKey | null;
}

const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Where a secret comes from: the named environment variable, else the terminal; null when neither can give one. */
async function secretFor(envName: string | undefined, key: string, question: string, hold: Hold): Promise<{ value: string; from: string } | null> {
  const fromEnv = envName === undefined ? undefined : process.env[envName];
  if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: `$${envName ?? ""}` };
  const typed = await hold(askSecret(key, question));
  return typed === null ? null : { value: typed, from: "the terminal" };
}

const unavailable = (envName: string | undefined, what: string): string =>
  envName === undefined ? t("ssh.noTerminal.none", { what }) : t("ssh.noTerminal.env", { env: envName });

const decryptedKeys = new WeakMap<Buffer, Map<string, ParsedKey | Error>>();

/**
 * A passphrase-protected key, decrypted once per run for all its connections: the bcrypt KDF of an OpenSSH key
 * costs ~0.5 s of CPU, and ssh2 is handed the result rather than the file (it would decrypt it again). Keyed by
 * the file's bytes as read (a changed file is read anew) and the passphrase.
 */
function decrypt(text: Buffer, passphrase: string): ParsedKey | Error {
  const byPassphrase = decryptedKeys.get(text) ?? new Map<string, ParsedKey | Error>();
  decryptedKeys.set(text, byPassphrase);
  let parsed = byPassphrase.get(passphrase);
  if (parsed === undefined) {
    parsed = utils.parseKey(text, passphrase);
    byPassphrase.set(passphrase, parsed);
  }
  return parsed;
}

/** The key files to offer: the inventory's (which must exist), else ssh_config's, else OpenSSH's defaults. */
async function loadKeys(spec: ResolvedSpec): Promise<{ keys: Key[]; files: string[] }> {
  const explicit = spec.identityFile !== undefined;
  const files = spec.identityFile !== undefined ? [spec.identityFile] : spec.configIdentities.length > 0 ? spec.configIdentities : DEFAULT_IDENTITIES.map((name) => join(homedir(), ".ssh", name));
  const fail = (message: string, cause?: unknown): never => {
    throw new ConnectError(spec.name, `${describeHost(spec)}: ${message}`, { cause });
  };
  const keys: Key[] = [];
  for (const file of files) {
    const key = await readParsed(file, (text) => ({ text, parsed: utils.parseKey(text) })).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") fail(t("ssh.identityUnreadable", { reason: (error as Error).message }), error);
      if (explicit) fail(t("ssh.identityMissing", { file }));
      return null;
    });
    if (key === null) continue;
    // Parsing here turns a bad key into a message naming the file.
    const { text, parsed } = key;
    const encrypted = parsed instanceof Error && /no passphrase given/.test(parsed.message);
    if (parsed instanceof Error && !encrypted) fail(t("ssh.identityUnusable", { file, reason: parsed.message }), parsed);
    keys.push({ file, text, parsed: parsed instanceof Error ? null : parsed });
  }
  return { keys, files };
}

/**
 * The one place credentials are gathered: "none" (to learn what the server accepts), the agent (SSH_AUTH_SOCK),
 * key files (a passphrase asked for only when its key's turn comes), then a password (password_env or the terminal).
 */
export async function assembleAuth(spec: ResolvedSpec): Promise<SshAuth> {
  const { keys, files } = await loadKeys(spec);
  const username = spec.user;
  const tried: string[] = [];
  const keyNotes = keys.length === 0 ? [`no key at ${files.join(", ")}`] : [];
  let passwordNote: string | null = null;
  // Set when going on makes no sense (a wrong passphrase): the whole message.
  let fatal: string | null = null;
  let accepts: AuthenticationType[] | null = null;
  const offers = (method: AuthenticationType): boolean => accepts === null || accepts.includes(method);
  const offer = (what: string, method: AnyAuthMethod): AnyAuthMethod => {
    tried.push(what);
    return method;
  };
  const agent = process.env.SSH_AUTH_SOCK;
  const steps: ((hold: Hold) => Promise<AnyAuthMethod | null>)[] = [() => Promise.resolve({ type: "none", username })];
  if (agent !== undefined && agent !== "") steps.push(() => Promise.resolve(offers("publickey") ? offer("agent", { type: "agent", username, agent }) : null));
  for (const key of keys) {
    steps.push(async (hold) => {
      if (!offers("publickey")) return null;
      if (key.parsed !== null) return offer(`publickey ${key.file}`, { type: "publickey", username, key: key.parsed });
      const secret = await secretFor(spec.passphraseEnv, `key ${key.file}`, `Enter passphrase for key '${key.file}': `, hold);
      if (secret === null) {
        keyNotes.push(`publickey ${key.file} (passphrase-protected; ${unavailable(spec.passphraseEnv, "passphrase_env")})`);
        return null;
      }
      const decrypted = decrypt(key.text, secret.value);
      if (!(decrypted instanceof Error)) return offer(`publickey ${key.file}`, { type: "publickey", username, key: decrypted });
      fatal = t("ssh.wrongPassphrase", { host: describeHost(spec), file: key.file, from: secret.from });
      steps.length = 0;
      return null;
    });
  }
  steps.push(async (hold) => {
    const method = (["password", "keyboard-interactive"] as const).find((m) => accepts?.includes(m));
    if (method === undefined) return null;
    const secret = await secretFor(spec.passwordEnv, `${username}@${spec.address}:${spec.port}`, `${username}@${spec.address}'s password: `, hold);
    if (secret === null) {
      // Worded so that report redaction (which masks `password: <word>`) leaves it readable.
      passwordNote = t("ssh.wantsPassword", { why: unavailable(spec.passwordEnv, "password_env") });
      return null;
    }
    const what = `${method} (from ${secret.from})`;
    if (method === "password") return offer(what, { type: method, username, password: secret.value });
    return offer(what, { type: method, username, prompt: (_name, _instructions, _lang, prompts, finish) => { finish(prompts.map(() => secret.value)); } });
  });
  return {
    handler: (hold) => (methodsLeft, _partial, next) => {
      // null before the first attempt: the server has not said yet what it accepts.
      if ((methodsLeft as AuthenticationType[] | null) !== null) accepts = methodsLeft;
      const attempt = async (): Promise<AnyAuthMethod | false> => {
        for (let step = steps.shift(); step !== undefined; step = steps.shift()) {
          const method = await step(hold);
          if (method !== null) return method;
        }
        return false;
      };
      // ssh2 takes `false` for "nothing left to try", which its typings leave out.
      void attempt().then((method) => { next(method as AnyAuthMethod); });
    },
    refused: () => {
      if (fatal !== null) return fatal;
      const serverSide = accepts === null ? [] : [t("ssh.serverAccepts", { methods: accepts.join(", ") || t("ssh.nothing") })];
      // Notes on keys matter only to a server that takes keys.
      const notes = [...(offers("publickey") ? keyNotes : []), ...(passwordNote === null ? [] : [passwordNote])];
      return `${describeHost(spec)}: ${[t("ssh.authFailed", { user: username, tried: tried.join(", ") || t("ssh.nothing") }), ...serverSide, ...notes].join("; ")}`;
    },
  };
}
