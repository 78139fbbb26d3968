import { expect } from "chai";
import { compileTemplate, renderDeep, TemplateError } from "../../src/playbook/template.js";

const context: Record<string, unknown> = {
  domain: "paas.bk.example.com",
  path: "/data/it's here",
  port: 8080,
  list: ["a", "b"],
  html: "<b>&\"'</b>",
  empty: "",
  nothing: null,
  pattern: "a.b*c",
  obj: { k: [1, 2] },
  groups: {
    appo: [{ address: "10.0.0.12" }, { address: "10.0.0.13" }],
    appt: [{ address: "10.0.0.14" }, { address: "10.0.0.13" }],
  },
};

/** Rendered against `context`. */
const cases: { template: string; want: unknown }[] = [
  { template: "{{quote path}}", want: `'/data/it'\\''s here'` },
  { template: "x {{quote domain}}", want: "x paas.bk.example.com" },
  { template: "{{json list}}", want: '["a","b"]' },
  { template: "{{json domain}}", want: '"paas.bk.example.com"' },
  { template: "{{regex pattern}}", want: "a\\.b\\*c" },
  { template: "{{default empty nothing 'fallback'}}", want: "fallback" },
  { template: "{{default domain 'fallback'}}", want: "paas.bk.example.com" },
  { template: "{{join list}}", want: "a,b" },
  { template: "{{join list ' '}}", want: "a b" },
  { template: "{{parent_domain domain}}", want: "bk.example.com" },
  { template: "{{join (addresses groups 'appo' 'appt') ' '}}", want: "10.0.0.12 10.0.0.13 10.0.0.14" },
  { template: "{{html}}", want: "<b>&\"'</b>" },
  { template: "<{{html}}>", want: "<<b>&\"'</b>>" },
  { template: "{{port}}", want: 8080 },
  { template: "{{ port }}", want: 8080 },
  { template: "{{list}}", want: ["a", "b"] },
  { template: "{{obj.k}}", want: [1, 2] },
  { template: "{{nothing}}", want: null },
  { template: ":{{port}}", want: ":8080" },
  { template: "{{#if empty}}yes{{else}}no{{/if}}", want: "no" },
];

describe("templates", () => {
  for (const c of cases) {
    it(`${c.template} → ${JSON.stringify(c.want)}`, () => {
      expect(compileTemplate(c.template)(context)).to.deep.equal(c.want);
    });
  }

  for (const template of ["{{missing}}", "x {{missing}} y", "{{quote missing}}", "{{obj.missing}}"]) {
    it(`${template} throws naming the undefined variable`, () => {
      const fn = compileTemplate(template);
      expect(() => fn(context)).to.throw(TemplateError, /undefined variable '(obj\.)?missing'/);
    });
  }

  it("a syntax error is a TemplateError at compile time", () => {
    expect(() => compileTemplate("{{#if domain}}x")).to.throw(TemplateError, /^template syntax error: /);
  });

  it("renderDeep renders every string of a tree and names the path of a bad template", () => {
    expect(renderDeep({ a: ["{{port}}", "p{{port}}"], b: 1 }, context)).to.deep.equal({ a: [8080, "p8080"], b: 1 });
    try {
      renderDeep({ a: [{ b: "{{nope}}" }] }, context, ["step"]);
      expect.fail("no error");
    } catch (err) {
      expect(err).to.be.instanceOf(TemplateError);
      expect((err as TemplateError).path).to.deep.equal(["step", "a", 0, "b"]);
    }
  });
});

describe("templates with an escape for interpolated values", () => {
  const dollar = (v: string): string => v.split("$").join("$$");
  const ctx = { v: "$1", list: ["$a", "$b"], n: 2, nothing: null };
  const cases: { template: string; want: unknown }[] = [
    { template: "$1 {{v}} $&", want: "$1 $$1 $&" },
    { template: "{{v}}", want: "$$1" },
    { template: "{{n}}", want: 2 },
    { template: "{{#each list}}$1{{this}}@{{@index}}{{../v}};{{/each}}", want: "$1$$a@0$$1;$1$$b@1$$1;" },
    { template: "{{#if v}}{{json list}}{{else}}$0{{/if}}", want: '["$$a","$$b"]' },
    { template: "{{~v~}} x", want: "$$1x" },
    { template: "a{{list}}b{{nothing}}c{{n}}", want: "a$$a,$$bbc2" },
    { template: "{{#each list}}\n  - {{this}}\n{{/each}}\n", want: "  - $$a\n  - $$b\n" },
  ];
  for (const c of cases) {
    it(`${c.template} → ${JSON.stringify(c.want)}`, () => {
      expect(compileTemplate(c.template, dollar)(ctx)).to.deep.equal(c.want);
    });
  }

  it("an undefined variable still throws, and the same text without escape is unaffected by the cache", () => {
    expect(() => compileTemplate("x {{missing}}", dollar)(ctx)).to.throw(TemplateError, /undefined variable 'missing'/);
    expect(() => compileTemplate("{{#each items}}{{missing}}{{/each}}", dollar)({ items: [{ a: 1 }] })).to.throw(TemplateError, /undefined variable 'missing'/);
    expect(compileTemplate("$1 {{v}} $&")(ctx)).to.equal("$1 $1 $&");
  });
});
