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
/** What the operator types: `bkplay` once it is on PATH (`npm link`), else `npx bkplay` in this folder. */
const typed = spawnSync("sh", ["-c", "command -v bkplay"], { stdio: "ignore" }).status === 0 ? "bkplay" : "npx bkplay";

function bkplay(title: string, args: string[], okCodes: number[] = [0]): void {
  process.stdout.write(`\n${c("cyan", `── ${title}`)}\n${c("gray", `$ ${typed} ${args.join(" ")}`)}\n`);
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
process.stdout.write(`\n${c("cyan", "── try it yourself")}\n${typed} sandbox up --dir ${dir}\n${typed} ${[...run, "--check", "--diff"].join(" ")}\n${typed === "bkplay" ? "" : c("gray", "(`npm link` once puts `bkplay` on your PATH)\n")}`);
