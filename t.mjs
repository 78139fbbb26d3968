import ssh2 from "ssh2"; import {readFileSync} from "node:fs";
for (const f of ["/tmp/k1","/tmp/k2"]) { const t = readFileSync(f);
for (const p of [undefined, "wrong", "secret"]) { const r = ssh2.utils.parseKey(t, p); console.log(f, p, r instanceof Error ? "ERR " + r.message : (Array.isArray(r)? "arr": r.type)); } }
