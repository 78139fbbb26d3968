import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  appendKnownHost, checkHostKey, fingerprint, keyTypeOf, parseKnownHosts, readKnownHosts,
} from "../../src/transport/known-hosts.js";

/** An SSH wire-format public key blob: string type, then key bytes. */
function blob(type: string, seed: string): Buffer {
  const bytes = createHash("sha256").update(seed).digest();
  const typeLength = Buffer.alloc(4);
  typeLength.writeUInt32BE(type.length);
  const keyLength = Buffer.alloc(4);
  keyLength.writeUInt32BE(bytes.length);
  return Buffer.concat([typeLength, Buffer.from(type), keyLength, bytes]);
}

const KEY_A = blob("ssh-ed25519", "a");
const KEY_B = blob("ssh-ed25519", "b");
const line = (hosts: string, key: Buffer): string => `${hosts} ${keyTypeOf(key)} ${key.toString("base64")}`;

/** OpenSSH's HashKnownHosts form, computed here independently of the code under test. */
function hashed(name: string, salt: Buffer): string {
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

describe("known_hosts", () => {
  it("formats fingerprints as OpenSSH does (SHA256, unpadded base64)", () => {
    const expected = createHash("sha256").update(KEY_A).digest("base64").replace(/=+$/, "");
    expect(fingerprint(KEY_A)).to.equal(`SHA256:${expected}`);
    expect(fingerprint(KEY_A)).not.to.match(/=$/);
  });

  it("skips comments, blank and malformed lines, keeping line numbers", () => {
    const entries = parseKnownHosts(`# comment\n\nbroken-line\n${line("h1", KEY_A)} comment here\n`);
    expect(entries).to.have.length(1);
    expect(entries[0]).to.include({ hosts: "h1", keyType: "ssh-ed25519", marker: null, line: 4 });
  });

  it("files non-22 ports under [host]:port and port 22 under the bare name", () => {
    const entries = parseKnownHosts(`${line("[127.0.0.1]:2201", KEY_A)}\n${line("10.0.0.1", KEY_B)}\n`);
    expect(checkHostKey(entries, "127.0.0.1", 2201, KEY_A).kind).to.equal("trusted");
    expect(checkHostKey(entries, "127.0.0.1", 22, KEY_A).kind).to.equal("unknown");
    expect(checkHostKey(entries, "10.0.0.1", 22, KEY_B).kind).to.equal("trusted");
    expect(checkHostKey(entries, "10.0.0.1", 2222, KEY_B).kind).to.equal("unknown");
  });

  it("matches any name of a comma list, wildcards and negations", () => {
    const entries = parseKnownHosts(`${line("paas-1,10.0.0.1,[10.0.0.2]:2201", KEY_A)}\n${line("*.bk.com,!bad.bk.com", KEY_B)}\n`);
    expect(checkHostKey(entries, "10.0.0.1", 22, KEY_A).kind).to.equal("trusted");
    expect(checkHostKey(entries, "10.0.0.2", 2201, KEY_A).kind).to.equal("trusted");
    expect(checkHostKey(entries, "paas.bk.com", 22, KEY_B).kind).to.equal("trusted");
    expect(checkHostKey(entries, "bad.bk.com", 22, KEY_B).kind).to.equal("unknown");
  });

  it("matches hashed entries (HMAC-SHA1 with the entry's salt)", () => {
    const salt = Buffer.from("0123456789abcdefghij");
    const entries = parseKnownHosts(`${line(hashed("[127.0.0.1]:2201", salt), KEY_A)}\n`);
    expect(checkHostKey(entries, "127.0.0.1", 2201, KEY_A).kind).to.equal("trusted");
    expect(checkHostKey(entries, "127.0.0.1", 2202, KEY_A).kind).to.equal("unknown");
  });

  it("reports a different key for a known host as a mismatch listing the known fingerprints", () => {
    const entries = parseKnownHosts(`${line("[127.0.0.1]:2201", KEY_A)}\n`);
    expect(checkHostKey(entries, "127.0.0.1", 2201, KEY_B)).to.deep.equal({ kind: "mismatch", known: [fingerprint(KEY_A)] });
  });

  it("refuses a @revoked key even when another line trusts it, and ignores @cert-authority", () => {
    const entries = parseKnownHosts(`${line("h1", KEY_A)}\n@revoked ${line("*", KEY_A)}\n@cert-authority ${line("h2", KEY_B)}\n`);
    expect(checkHostKey(entries, "h1", 22, KEY_A).kind).to.equal("revoked");
    expect(checkHostKey(entries, "h2", 22, KEY_B).kind).to.equal("unknown");
  });

  it("appends [host]:port entries, creating the file and keeping a missing final newline from merging lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bkplay-kh-"));
    try {
      const file = join(dir, "ssh", "known_hosts");
      expect(await readKnownHosts(file)).to.deep.equal([]);
      await appendKnownHost(file, "127.0.0.1", 2201, KEY_A);
      expect(readFileSync(file, "utf8")).to.equal(`${line("[127.0.0.1]:2201", KEY_A)}\n`);
      writeFileSync(file, line("h1", KEY_B));
      await appendKnownHost(file, "10.0.0.1", 22, KEY_A);
      const entries = await readKnownHosts(file);
      expect(entries.map((e) => e.hosts)).to.deep.equal(["h1", "10.0.0.1"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
