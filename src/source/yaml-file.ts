import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { InputError, type Problem, type SourceLocation } from "../errors.js";
import { t } from "../i18n/t.js";

/** Refuse inputs that are obviously not a playbook/inventory before parsing them. */
const MAX_BYTES = 4 * 1024 * 1024;

/** A parsed YAML file that remembers where every node came from. */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Location of the node at `path` (or of its closest existing ancestor). */
  locate(path: readonly (string | number)[]): SourceLocation;
  /** Location of the key (not the value) at `path`, for "unknown key" errors. */
  locateKey(path: readonly (string | number)[]): SourceLocation;
}

export function readYamlFile(file: string): YamlSource {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new InputError({ message: t("file.cannotRead", { file, code: (err as NodeJS.ErrnoException).code ?? String(err) }) }, { cause: err });
  }
  return parseYamlText(file, decodeUtf8(file, buf));
}

export function decodeUtf8(file: string, buf: Buffer): string {
  if (buf.length > MAX_BYTES) {
    throw new InputError({ message: t("file.tooBig", { size: buf.length, limit: MAX_BYTES }), location: { file, line: 1, col: 1 } });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    const bad = firstInvalidUtf8(buf);
    throw new InputError({ message: t("file.notUtf8"), location: locateOffset(file, buf.subarray(0, bad).toString("utf8")) });
  }
}

function firstInvalidUtf8(buf: Buffer): number {
  let lo = 0;
  let hi = buf.length;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      decoder.decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function locateOffset(file: string, text: string): SourceLocation {
  const lines = text.split("\n");
  return { file, line: lines.length, col: (lines.at(-1)?.length ?? 0) + 1 };
}

export function parseYamlText(file: string, text: string): YamlSource {
  if (text.includes("\0")) {
    const before = text.slice(0, text.indexOf("\0"));
    throw new InputError({ message: t("file.nul"), location: locateOffset(file, before) });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const problems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    message: yamlMessage(e.code, e.message),
    location: at(e.pos[0]),
  }));
  if (problems.length > 0) throw new InputError(problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError({ message: t("file.aliases", { reason: (err as Error).message }), location: at(0) }, { cause: err });
  }
  const nodeAt = (path: readonly (string | number)[], key: boolean): SourceLocation => {
    let node: unknown = doc.contents;
    let best = at(0);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) return best;
        const keyRange = (pair.key as Node | null)?.range;
        if (keyRange) best = at(keyRange[0]);
        node = pair.value;
      } else if (isSeq(node)) {
        node = node.items[Number(seg)];
      } else {
        return best;
      }
      const range = (node as Node | null | undefined)?.range;
      if (range && !(key && seg === path.at(-1))) best = at(range[0]);
    }
    return best;
  };
  return {
    file,
    data,
    locate: (path) => nodeAt(path, false),
    locateKey: (path) => nodeAt(path, true),
  };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0] ?? message;
  const clean = first.replace(/ at line \d+, column \d+:?$/, "");
  if (code === "DUPLICATE_KEY") return t("file.duplicateKey", { detail: clean.replace(/^Map keys must be unique;?\s*/, "") || t("file.keyTwice") });
  return t("file.yamlSyntax", { detail: clean });
}

export type { Document };
