import { expect } from "chai";
import { detectTextFormat } from "../../src/inventory/detect.js";

describe("inventory format detection (text files)", () => {
  const cases: [title: string, text: string, format: string, because: string][] = [
    ["key=value on a host line", "# c\n[paas]\nbk-paas-1 ansible_host=10.0.0.12\n", "ansible-ini", "line 3 has key=value"],
    ["a :children section", "[basic]\n10.0.0.1 nginx\n[agents:children]\nappo\n", "ansible-ini", "line 3 is the section [agents:children]"],
    ["a :vars section", "[paas:vars]\n", "ansible-ini", "line 1 is the section [paas:vars]"],
    ["a host name", "[paas]\nbk-paas-1\n", "ansible-ini", "line 2 names the host 'bk-paas-1' with no modules"],
    ["a host name before modules", "bk-1 nginx,paas\n", "ansible-ini", "line 1 starts with the host name 'bk-1'"],
    ["an address with no modules", "10.0.0.1 nginx\n10.0.0.2\n", "ansible-ini", "line 2 names the host '10.0.0.2' with no modules"],
    ["a ';' comment", "; hosts\n10.0.0.1 nginx\n", "ansible-ini", "line 1 is a ';' comment"],
    ["IP and modules only", "# c\n[basic]\n10.0.0.1 nginx,kafka(config)  # x\n\t10.0.0.2\tappo\n", "install.config", "every line is a [section] header or 'IPv4 module,module,...'"],
    ["a mistyped address still in install.config shape", "10.0.0.1 nginx\n10.0.0.300 appo\n", "install.config", "every line is"],
    ["a broken header among install.config lines", "10.0.0.1 nginx\n[apps\n10.0.0.2 appo\n", "install.config", "every line is"],
    ["nothing but headers and comments", "[basic]\n# 10.0.0.1 nginx\n", "ansible-ini", "no line has the install.config shape"],
  ];
  for (const [title, text, format, because] of cases) {
    it(`${title} → ${format}`, () => {
      const detected = detectTextFormat(text);
      expect(detected.format).to.equal(format);
      expect(detected.because).to.include(because);
    });
  }
});
