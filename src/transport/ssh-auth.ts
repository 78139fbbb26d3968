import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { ConnectConfig } from "ssh2";
import { ConnectError } from "../errors.js";
import { describeHost } from "./host-key-check.js";
import type { ConnectSpec } from "./types.js";

// ssh2 is CommonJS and exposes its API as one object.
const { utils } = ssh2;

/** The credentials handed to ssh2, and how to name them when the server refuses them all. */
export interface SshAuth {
  config: Pick<ConnectConfig, "username" | "privateKey">;
  tried: string[];
}

const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"];

async function readFirstKey(files: string[]): Promise<{ file: string; text: Buffer } | null> {
  for (const file of files) {
    try {
      return { file, text: await readFile(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return null;
}

/** The one place credentials are gathered, so agent, password, jump and sudo slot in beside the key. */
export async function assembleAuth(spec: ConnectSpec): Promise<SshAuth> {
  const candidates = spec.identityFile !== undefined
    ? [spec.identityFile]
    : DEFAULT_IDENTITIES.map((name) => join(homedir(), ".ssh", name));
  const found = await readFirstKey(candidates).catch((error: unknown) => {
    throw new ConnectError(spec.name, `${describeHost(spec)}: cannot read identity file: ${(error as Error).message}`, { cause: error });
  });
  if (found === null) {
    if (spec.identityFile !== undefined) {
      throw new ConnectError(spec.name, `${describeHost(spec)}: identity file ${spec.identityFile} does not exist`);
    }
    return { config: { username: spec.user }, tried: [`none (no key at ${candidates.join(", ")})`] };
  }
  // Parsing here turns a bad or passphrase-protected key into a message naming the file.
  const parsed = utils.parseKey(found.text);
  if (parsed instanceof Error) {
    throw new ConnectError(spec.name, `${describeHost(spec)}: cannot use identity file ${found.file}: ${parsed.message}`, { cause: parsed });
  }
  return { config: { username: spec.user, privateKey: found.text }, tried: [`publickey ${found.file}`] };
}
