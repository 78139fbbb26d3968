import { readdir, readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** OpenSSH's limit on nested Include (READCONF_MAX_DEPTH). */
const MAX_DEPTH = 16;

const INCLUDE = /^\s*include(?:\s*=\s*|\s+)(.*)$/i;
const BLOCK = /^\s*(host|match)(?:\s*=\s*|\s+)/i;

/** Splits an Include's argument into its file patterns (whitespace separated, double quotes group). */
function patternsOf(arg: string): string[] {
  return [...arg.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "").filter((p) => p !== "" && !p.startsWith("#"));
}

function wildcardRegExp(component: string): RegExp {
  const source = component.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${source}$`);
}

/** glob(3) as OpenSSH uses it: `*`, `?` and `[…]` in any component, sorted, dot files only when asked for. */
async function expandGlob(pattern: string): Promise<string[]> {
  let paths = [pattern.startsWith("/") ? "/" : "."];
  for (const component of pattern.split("/").filter((c) => c !== "")) {
    if (!/[*?[]/.test(component)) {
      paths = paths.map((p) => join(p, component));
      continue;
    }
    const re = wildcardRegExp(component);
    const next: string[] = [];
    for (const dir of paths) {
      const names = await readdir(dir).catch(() => [] as string[]);
      next.push(...names.filter((n) => re.test(n) && (!n.startsWith(".") || component.startsWith("."))).sort().map((n) => join(dir, n)));
    }
    paths = next;
  }
  const found = await Promise.all(paths.map(async (p) => ((await stat(p).catch(() => null))?.isFile() ? p : null)));
  return found.filter((p): p is string => p !== null);
}

/** A pattern as OpenSSH reads it in a user's config: `~` is the home, a relative path is under ~/.ssh. */
function resolvePattern(pattern: string): string {
  if (pattern === "~" || pattern.startsWith("~/")) return join(homedir(), pattern.slice(1));
  return isAbsolute(pattern) ? pattern : join(homedir(), ".ssh", pattern);
}

/**
 * An ssh_config file's text with every `Include` replaced by the files it names, as OpenSSH reads them: in place,
 * in glob order, nested up to 16 deep, a pattern matching nothing ignored. Inside a Host or Match block an included
 * file may only hold settings for that block; one with Host or Match lines of its own is refused (OpenSSH would
 * apply those only when the outer block matches, which a flat file cannot say).
 */
export async function readWithIncludes(file: string, depth = 0): Promise<string> {
  if (depth > MAX_DEPTH) throw new Error(`Include nested more than ${MAX_DEPTH} deep at ${file}`);
  const out: string[] = [];
  let inBlock = false;
  for (const line of (await readFile(file, "utf8")).split(/\r?\n/)) {
    const include = INCLUDE.exec(line);
    if (include === null) {
      if (BLOCK.test(line)) inBlock = true;
      out.push(line);
      continue;
    }
    for (const pattern of patternsOf(include[1] ?? "")) {
      for (const included of await expandGlob(resolvePattern(pattern))) {
        const text = await readWithIncludes(included, depth + 1);
        if (inBlock && text.split(/\r?\n/).some((l) => BLOCK.test(l))) {
          throw new Error(`${file}: an Include inside a Host or Match block names ${included}, which has Host or Match lines of its own; move that Include to the top level`);
        }
        out.push(text);
      }
    }
  }
  return out.join("\n");
}
