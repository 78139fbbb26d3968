import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { t } from "../i18n/t.js";

/** The SSH signature namespace of plan approvals: a signature made for git or for another tool never counts as one. */
export const NAMESPACE = "bkplay-plan";

interface Outcome {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function sshKeygen(args: readonly string[], input?: Buffer): Outcome {
  // Without input, stdin stays the terminal's: ssh-keygen may ask there for a key's passphrase.
  const r = spawnSync("ssh-keygen", args, { encoding: "utf8", ...(input === undefined ? { stdio: ["inherit", "pipe", "pipe"] } : { input }) });
  if (r.error) throw new InputError(t("sig.cannotRun", { reason: r.error.message }), { cause: r.error });
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.trim() };
}

/** In a private temporary folder, removed afterwards. */
function inScratch<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "bkplay-sig-"));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `ssh-keygen -Y sign -n bkplay-plan -f key` over `data`: the armored signature. `key` is a private key file, or a
 * public key file whose private half is in the agent (SSH_AUTH_SOCK). A passphrase is asked on the terminal by ssh-keygen.
 */
export function signData(data: Buffer, key: string): string {
  return inScratch((dir) => {
    const file = join(dir, "plan");
    writeFileSync(file, data);
    const r = sshKeygen(["-Y", "sign", "-n", NAMESPACE, "-f", key, file]);
    if (!r.ok) throw new InputError(t("sig.cannotSign", { key, reason: lastLine(r.stderr) }));
    return readFileSync(`${file}.sig`, "utf8");
  });
}

/** The SHA256 fingerprint of the key that made `signature`, when it is a valid signature of `data` (whoever made it). */
export function signerFingerprint(data: Buffer, signature: string): string | null {
  return inScratch((dir) => {
    const sig = join(dir, "sig");
    writeFileSync(sig, signature);
    const r = sshKeygen(["-Y", "check-novalidate", "-n", NAMESPACE, "-s", sig], data);
    return r.ok ? fingerprintIn(r.stdout) : null;
  });
}

/** A verified signature: its key, and every principal the allowed signers file lists that key for. */
export type Verdict = { ok: true; fingerprint: string; principals: string[] } | { ok: false; why: string };

/**
 * `ssh-keygen -Y verify` of `signature` over `data`, made by a key `allowedSigners` lists for `principal` (in the
 * plan namespace). When it fails, says why: the signed bytes changed, the key is not listed, or listed for others.
 */
export function verifyData(data: Buffer, signature: string, principal: string, allowedSigners: string): Verdict {
  return inScratch((dir) => {
    const sig = join(dir, "sig");
    writeFileSync(sig, signature);
    const r = sshKeygen(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", NAMESPACE, "-s", sig], data);
    const fingerprint = r.ok ? fingerprintIn(r.stdout) : null;
    const found = sshKeygen(["-Y", "find-principals", "-f", allowedSigners, "-s", sig]);
    const principals = found.ok ? found.stdout.split("\n").filter((l) => l.trim() !== "") : [];
    if (fingerprint !== null) return { ok: true, fingerprint, principals };
    const check = sshKeygen(["-Y", "check-novalidate", "-n", NAMESPACE, "-s", sig], data);
    const made = check.ok ? fingerprintIn(check.stdout) : null;
    if (made === null) return { ok: false, why: t("sig.mismatch") };
    if (principals.length === 0) return { ok: false, why: t("sig.notAllowed", { key: made, file: allowedSigners, namespace: NAMESPACE }) };
    if (!principals.includes(principal)) return { ok: false, why: t("sig.otherPrincipal", { principal, file: allowedSigners, key: made, principals: principals.join(", ") }) };
    return { ok: false, why: t("sig.refused", { reason: lastLine(r.stderr) || lastLine(r.stdout) }) };
  });
}

/** An OpenSSH allowed_signers file must exist before anything is verified against it. */
export function checkAllowedSigners(file: string): void {
  try {
    readFileSync(file);
  } catch (err) {
    throw new InputError(t("sig.cannotReadSigners", { file, code: (err as NodeJS.ErrnoException).code ?? String(err) }), { cause: err });
  }
}

/** The public keys the agent holds (`ssh-add -L`), one per line; none without an agent. */
export function agentKeys(): string[] {
  if (!process.env.SSH_AUTH_SOCK) return [];
  const r = spawnSync("ssh-add", ["-L"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.split("\n").filter((l) => /^\S+ \S+/.test(l)) : [];
}

const fingerprintIn = (text: string): string | null => /key (SHA256:[A-Za-z0-9+/=]+)/.exec(text)?.[1] ?? null;
const lastLine = (text: string): string => text.trim().split("\n").at(-1) ?? "";
