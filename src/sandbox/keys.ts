import { execFile } from "node:child_process";
import { access, readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import ssh2 from "ssh2";

// ssh2 is CommonJS and exposes its API as one object.
const { utils } = ssh2;

const run = promisify(execFile);

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

async function generateKeyPair(file: string, comment: string): Promise<void> {
  try {
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // No OpenSSH on this machine: ssh2 writes the same OpenSSH key format.
    const pair = utils.generateKeyPairSync("ed25519", { comment });
    await writeFile(file, pair.private, { mode: 0o600 });
    await writeFile(`${file}.pub`, `${pair.public}\n`);
  }
}

/** An ed25519 key pair at `file` and `file.pub`, generated once and reused afterwards. */
export async function ensureKeyPair(file: string, comment: string): Promise<{ publicKey: string }> {
  if (!(await exists(file)) || !(await exists(`${file}.pub`))) await generateKeyPair(file, comment);
  const [type, base64] = (await readFile(`${file}.pub`, "utf8")).trim().split(/\s+/);
  return { publicKey: `${type ?? ""} ${base64 ?? ""}` };
}
