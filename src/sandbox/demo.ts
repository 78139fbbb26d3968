import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { packageRoot } from "../paths.js";
import { painter } from "../report/color.js";

/**
 * `npm run demo`: the main job on the built-in sandbox fleet, as an operator would type it:
 * sandbox up → change-domain --check --diff → apply → the same run again (0 changed) → sandbox down.
 */
const dir = relative(process.cwd(), join(packageRoot, ".sandbox")) || ".sandbox";
const inventory = join(dir, "hosts.yaml");
const bin = join(packageRoot, "bin", "bkplay.js");
const c = painter(process.stdout);

function bkplay(title: string, args: string[], okCodes: number[] = [0]): void {
  process.stdout.write(`\n${c("cyan", `── ${title}`)}\n${c("gray", `$ bkplay ${args.join(" ")}`)}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: "inherit" });
  if (!okCodes.includes(r.status ?? -1)) {
    spawnSync(process.execPath, [bin, "sandbox", "down", "--dir", dir], { stdio: "inherit" });
    process.stderr.write(`demo: '${title}' exited ${r.status ?? r.signal ?? "?"}\n`);
    process.exit(1);
  }
}

const run = ["run", "change-domain", "-i", inventory, "-e", "new_domain=paas.example.com"];
bkplay("start a 5-host sandbox fleet (SSH on 127.0.0.1)", ["sandbox", "up", "--hosts", "5", "--dir", dir]);
bkplay("dry run: exactly what would change, nothing written", [...run, "--check", "--diff"]);
bkplay("apply", run);
bkplay("run again: a second run changes nothing", run);
bkplay("stop the fleet", ["sandbox", "down", "--dir", dir]);
