import { expect } from "chai";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { DoctorReport } from "../../src/doctor/run-doctor.js";
import type { Fleet } from "../../src/sandbox/fleet.js";
import { ADMIN_PASSWORD, agentAuth, DB_PASSWORD, esbToken, fakeSecretKey, ZK_AUTH } from "../../src/sandbox/trees/secrets.js";
import { bkplay, type CliResult } from "../support/cli.js";

/**
 * Every entry under `root` with type, mode, owner, mtime and content hash; a socket by its metadata (it cannot be
 * read). Each host's sshd.log is the sandbox SSH server's own (the fleet's port probes land there), not the host's.
 */
export function snapshotHosts(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "sshd.log") continue;
      const path = join(dir, name);
      const st = lstatSync(path);
      const meta = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`;
      if (st.isSymbolicLink()) out[path] = `link ${readlinkSync(path)} ${meta}`;
      else if (st.isDirectory()) {
        out[path] = `dir ${meta}`;
        walk(path);
      } else if (st.isFile()) out[path] = `file ${createHash("sha256").update(readFileSync(path)).digest("hex")} ${meta}`;
      else out[path] = `other ${meta}`;
    }
  };
  walk(root);
  return out;
}

/** Every secret the sandbox's files hold. */
export function sandboxSecrets(fleet: Fleet): string[] {
  return [
    DB_PASSWORD,
    ADMIN_PASSWORD,
    esbToken(),
    ZK_AUTH,
    ...["oss", "ce5", "ce6"].flatMap((g) => [fakeSecretKey(`${g} paas`), fakeSecretKey(`${g} login`)]),
    ...fleet.hosts.flatMap((h) => Object.values(agentAuth(h.root))),
  ];
}

/**
 * The agents' nginx on 8010, which paas.conf's /t/ and /o/ upstreams name: the sandbox runs no agent nginx, so a
 * test that wants a healthy fleet stands one in (a port already taken is listening as well).
 */
export function useAgentNginx(): void {
  let server: Server | undefined;
  before(async () => {
    const s = createServer((sock) => sock.destroy());
    server = await new Promise<Server | undefined>((resolve) => {
      s.once("error", () => { resolve(undefined); });
      s.listen(8010, "127.0.0.1", () => { resolve(s); });
    });
  });
  after(async () => {
    await new Promise((r) => server ? server.close(r) : r(undefined));
  });
}

/** `bkplay doctor … --json`, its report parsed; the run's outputs are returned too for grepping. */
export async function doctor(args: readonly string[]): Promise<{ run: CliResult; report: DoctorReport }> {
  const run = await bkplay(["doctor", ...args, "--json"]);
  let report: DoctorReport;
  try {
    report = JSON.parse(run.stdout) as DoctorReport;
  } catch {
    throw new Error(`no JSON report (exit ${run.code}):\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(0, 2000)}`);
  }
  return { run, report };
}

/** No secret of the sandbox in any of `texts`. */
export function expectNoSecret(fleet: Fleet, texts: readonly string[], extra: readonly string[] = []): void {
  for (const secret of [...sandboxSecrets(fleet), ...extra]) for (const t of texts) expect(t.includes(secret), `a secret shows: ${secret.slice(0, 3)}…`).to.equal(false);
}
