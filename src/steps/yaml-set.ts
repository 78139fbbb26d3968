import { isDeepStrictEqual } from "node:util";
import { Composer, CST, type Document, isMap, isScalar, type Node, Parser, type Scalar, YAMLMap } from "yaml";
import { StepError } from "../errors.js";
import { fileEditSchema, planWrite, probeFile, readEditable, setSchema, type FileEditParams } from "./file-edit.js";
import { isYamlScalarValue, setScalarSource, type YamlScalarValue } from "./yaml-scalar-source.js";
import type { StepType } from "./types.js";
import { warning } from "./warning.js";
import { t } from "../i18n/t.js";

export type YamlSetParams = FileEditParams & {
  set: Record<string, unknown>;
};

// Re-serialising (only when keys are added or collections replaced): never fold long lines, keep `{a: 1}` tight.
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

export const yamlSet: StepType<YamlSetParams> = {
  name: "yaml_set",
  summary: "Set values at dotted key paths in a YAML file, keeping comments, key order and quoting",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["file", "set"],
    properties: {
      ...fileEditSchema,
      set: setSchema(
        "^[^.]+(\\.[^.]+)*$",
        "Dotted key path → value, e.g. `settings.EXECUTE_TIME_LIMIT: 600`. Keys containing dots cannot be addressed. Missing maps on the way are created; editing a scalar keeps its quote style and trailing comment.",
      ),
    },
  },
  probes: probeFile,
  plan(params, facts) {
    const { fact, content } = readEditable(facts, params.file);
    const tokens = Array.from(new Parser().parse(content));
    const docs = Array.from(new Composer({ keepSourceTokens: true }).compose(tokens, true));
    const doc = docs[0];
    if (!doc || docs.length > 1) throw new StepError(t("step.yamlDocs", { file: params.file, count: docs.length }));
    const error = doc.errors[0];
    if (error) throw new StepError(t("step.notYaml", { file: params.file, reason: error.message }), { cause: error });
    let restructured = false;
    const scalarEdits: { node: Scalar; value: YamlScalarValue; inFlow: boolean }[] = [];
    for (const [path, value] of Object.entries(params.set)) {
      const keys = path.split(".");
      const key = keys.pop() ?? path;
      const parent = findParentMap(doc, keys, params.file, path);
      restructured ||= parent.created;
      const existing = parent.map.get(key, true) as Node | undefined;
      if (existing && isDeepStrictEqual(existing.toJS(doc), value)) continue;
      if (isScalar(existing) && isYamlScalarValue(value)) {
        scalarEdits.push({ node: existing, value, inFlow: parent.map.flow === true });
      } else {
        parent.map.set(key, doc.createNode(value));
        restructured = true;
      }
    }
    // In-place token edits keep the file byte-identical elsewhere; after a restructure the nodes are re-serialised instead.
    for (const e of scalarEdits) {
      if (restructured) e.node.value = e.value;
      else setScalarSource(e.node, e.value, e.inFlow);
    }
    const next = restructured ? doc.toString(TO_STRING) : tokens.map((t) => CST.stringify(t)).join("");
    const messages = restructured ? [warning(t("step.yamlRestructured", { file: params.file }))] : [];
    return planWrite(params, fact, next, messages);
  },
};

/** The map that holds the last key of a path, creating missing maps on the way. */
function findParentMap(doc: Document, keys: string[], file: string, path: string): { map: YAMLMap; created: boolean } {
  let created = false;
  if (doc.contents === null) {
    doc.contents = new YAMLMap();
    created = true;
  }
  let node: unknown = doc.contents;
  keys.forEach((key, i) => {
    if (!isMap(node)) throw notAMap(file, path, keys.slice(0, i), node);
    let child: unknown = node.get(key, true);
    if (child === undefined) {
      child = new YAMLMap();
      node.set(key, child);
      created = true;
    }
    node = child;
  });
  if (!isMap(node)) throw notAMap(file, path, keys, node);
  return { map: node, created };
}

function notAMap(file: string, path: string, at: string[], node: unknown): StepError {
  const what = isScalar(node) ? t("step.theScalar", { value: JSON.stringify(node.value) }) : node && typeof node === "object" ? t("step.aSequence") : String(node);
  return new StepError(t("step.notAMap", { path, file, at: at.length > 0 ? at.join(".") : t("step.docRoot"), what }));
}
