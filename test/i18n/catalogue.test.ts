import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CHECKS } from "../../src/doctor/checks/index.js";
import { CATALOGUE } from "../../src/i18n/catalogue/index.js";
import { langFlag, resolveLang } from "../../src/i18n/lang.js";
import { cells, padCells } from "../../src/i18n/width.js";
import { shippedPlaybooksDir } from "../../src/paths.js";
import { loadPlaybook } from "../../src/playbook/load.js";
import { checkTranslations } from "../../src/playbook/translations.js";
import { parseYamlText } from "../../src/source/yaml-file.js";

const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ""))].sort();
const CJK = /[\u3400-\u9fff]/;

describe("the message catalogue", () => {
  it("has every key in English and Chinese, with the same parameters", () => {
    const entries = Object.entries(CATALOGUE) as [string, { en: unknown; zh: unknown }][];
    expect(entries.length).to.be.greaterThan(300);
    const broken = entries.filter(([, e]) => typeof e.en !== "string" || typeof e.zh !== "string" || e.en.trim() === "" || e.zh.trim() === "").map(([k]) => k);
    expect(broken, "keys lacking a language").to.deep.equal([]);
    const mismatched = entries.filter(([, e]) => placeholders(String(e.en)).join() !== placeholders(String(e.zh)).join()).map(([k]) => k);
    expect(mismatched, "keys whose languages take different parameters").to.deep.equal([]);
  });

  it("has Chinese text that is Chinese, apart from texts that are only names, codes and commands", () => {
    const sameAsEnglish = Object.entries(CATALOGUE).filter(([, e]) => e.zh === e.en && !CJK.test(e.en) && /[a-z]{4,} [a-z]{4,}/.test(e.en.replace(/\{\w+\}|`[^`]*`/g, "")));
    expect(sameAsEnglish.map(([k]) => k), "untranslated sentences").to.deep.equal([]);
  });

  it("gives every doctor check its title, symptom and fix in both languages", () => {
    for (const c of CHECKS) {
      for (const text of [c.title, c.symptom, c.fix]) {
        expect(text.en.trim(), c.id).to.not.equal("");
        expect(text.zh, c.id).to.match(CJK);
      }
    }
  });
});

describe("shipped playbooks in both languages", () => {
  const files = readdirSync(shippedPlaybooksDir).filter((f) => f.endsWith(".yaml"));
  for (const f of files) {
    it(`${f} has a Chinese description for itself and every variable`, () => {
      const p = loadPlaybook(join(shippedPlaybooksDir, f));
      expect(p.descriptionZh ?? "").to.match(CJK);
      for (const [name, spec] of Object.entries(p.vars)) {
        expect(spec.description ?? "", name).to.not.equal("");
        expect(spec.description_zh ?? "", name).to.match(CJK);
      }
    });
  }

  it("a shipped playbook without description_zh, or with a variable lacking one, is a located validation error", () => {
    const text = "name: x\ndescription: d\nvars:\n  a:\n    type: string\n    description: an a\nplays: []\n";
    const source = parseYamlText("x.yaml", text);
    const problems = checkTranslations(source.data as Parameters<typeof checkTranslations>[0], source, true);
    expect(problems.map((p) => `${p.location?.line ?? 0}:${p.location?.col ?? 0} ${p.message}`)).to.deep.equal([
      "2:1 a shipped playbook needs description_zh: its description in Chinese",
      "4:3 variable 'a' of a shipped playbook needs a description and a description_zh",
    ]);
    expect(checkTranslations(source.data as Parameters<typeof checkTranslations>[0], source, false)).to.deep.equal([]);
  });
});

describe("language", () => {
  it("--lang wins, then LC_ALL, LC_MESSAGES and LANG in that order; zh_* is Chinese", () => {
    expect(resolveLang("en", { LANG: "zh_CN.UTF-8" })).to.equal("en");
    expect(resolveLang("zh", { LANG: "C" })).to.equal("zh");
    expect(resolveLang(undefined, { LANG: "zh_CN.UTF-8" })).to.equal("zh");
    expect(resolveLang(undefined, { LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" })).to.equal("en");
    expect(resolveLang(undefined, { LC_ALL: "", LC_MESSAGES: "zh_TW.UTF-8", LANG: "C" })).to.equal("zh");
    expect(resolveLang(undefined, { LANG: "C.UTF-8" })).to.equal("en");
    expect(resolveLang(undefined, { LANG: "zhx" })).to.equal("en");
    expect(langFlag(["node", "bkplay", "run", "--lang=zh"])).to.equal("zh");
    expect(langFlag(["node", "bkplay", "--lang", "en", "list"])).to.equal("en");
  });

  it("counts display cells: a Chinese character is two, colour codes none", () => {
    expect(cells("将变更")).to.equal(6);
    expect(cells("\u001b[31mok\u001b[0m")).to.equal(2);
    expect(cells("ｆｕｌｌ")).to.equal(8);
    expect(padCells("已变更", 10)).to.equal("已变更    ");
    expect(cells(padCells("失败", 11))).to.equal(11);
  });
});
