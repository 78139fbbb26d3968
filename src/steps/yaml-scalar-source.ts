import { CST, isScalar, parseDocument, Scalar } from "yaml";

export type YamlScalarValue = string | number | boolean | null;

export function isYamlScalarValue(value: unknown): value is YamlScalarValue {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

// Single quotes cannot carry these; double quotes escape them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_DOUBLE_QUOTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;
const KEPT_STYLES: readonly string[] = [Scalar.QUOTE_SINGLE, Scalar.QUOTE_DOUBLE, Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED];

/**
 * Rewrite the source token of `node` in place so that it reads back as `value`, keeping the scalar's style
 * (quotes, block) and everything around it — comments, spacing — byte for byte.
 */
export function setScalarSource(node: Scalar, value: YamlScalarValue, inFlow: boolean): void {
  const token = node.srcToken;
  if (!token) throw new Error("yaml scalar was composed without its source token");
  if (typeof value !== "string") {
    CST.setScalarValue(token, renderPlain(value), { afterKey: true, inFlow, type: Scalar.PLAIN });
    return;
  }
  CST.setScalarValue(token, value, { afterKey: true, inFlow, type: chooseStringStyle(node, value, inFlow) });
}

function chooseStringStyle(node: Scalar, value: string, inFlow: boolean): Scalar.Type {
  if (NEEDS_DOUBLE_QUOTES.test(value)) return Scalar.QUOTE_DOUBLE;
  if (node.type !== undefined && KEPT_STYLES.includes(node.type)) return node.type;
  return readsBackAsPlain(value) && !(inFlow && /[[\]{},]/.test(value)) ? Scalar.PLAIN : Scalar.QUOTE_SINGLE;
}

/**
 * A plain scalar that would read back as something else ("300", "a #b", "") must be quoted — also for
 * YAML 1.1 readers such as PyYAML, where "yes" and "on" are booleans.
 */
function readsBackAsPlain(value: string): boolean {
  return (["1.1", "1.2"] as const).every((version) => {
    const doc = parseDocument(value, { version });
    return doc.errors.length === 0 && isScalar(doc.contents) && doc.contents.value === value;
  });
}

function renderPlain(value: number | boolean | null): string {
  if (typeof value !== "number" || Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
}
