import { rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { packageRoot } from "../paths.js";

/**
 * `npm run build`, last step: the CLI that bin/bkplay.js starts, as one ESM entry with its dependencies inlined and a
 * chunk per lazily imported command. Loading ~330 modules one by one cost a run ~130 ms before its first connection.
 * ssh2 stays a package: its optional native crypto binding is found relative to its own files.
 */
const outdir = join(packageRoot, "dist", "cli");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(packageRoot, "dist", "src", "cli", "main.js")],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["ssh2"],
  sourcemap: true,
  logLevel: "warning",
  // Inlined CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as bkplayCreateRequire } from 'node:module'; const require = bkplayCreateRequire(import.meta.url);" },
});
process.stdout.write(`bundled the CLI into ${outdir}\n`);
