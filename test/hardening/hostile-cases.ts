/** Values built to break quoting in sh, Python, YAML, nginx and handlebars; `canary` is a path none may create. */
export function hostileValues(canary: string): { name: string; value: string }[] {
  const big = Array.from({ length: 1600 }, (_, i) => `${i} 中文 'q' "d" \\ \`x\` $(y) {{z}} ;\n`).join("").slice(0, 100_000);
  return [
    { name: "single and double quotes", value: `it's "quoted" ''' """ '` },
    { name: "command substitution", value: `$(touch ${canary})` },
    { name: "backticks", value: `\`touch ${canary}\`` },
    { name: "semicolon and comment", value: `x'; touch ${canary}; echo '# ;` },
    { name: "newlines", value: `line 1\nline 2; touch ${canary}\n` },
    { name: "CRLF", value: "a\r\nb\r\n" },
    { name: "backslashes", value: String.raw`C:\new\table\\ \x41 \N{BULLET} \u1234 \'` },
    { name: "handlebars", value: "{{v}} {{{t}}} {{> p}} }} {" },
    { name: "dollar forms", value: "$HOME ${PATH} $1 $& $$ $<n> $`" },
    { name: "YAML syntax", value: "- &a *a !!python/object:os.system ? : # --- ... | > %YAML" },
    { name: "YAML 1.1 boolean", value: "yes" },
    { name: "YAML null", value: "~" },
    { name: "YAML octal", value: "0o17" },
    { name: "Python syntax", value: `''' + __import__('os').system('touch ${canary}') + '''` },
    { name: "nginx syntax", value: "paas.bk.com; } server { listen 81; # {" },
    // Other control characters (a terminal escape, NUL) are refused at input: see bad-input.test.ts.
    { name: "tab and carriage return", value: "\ta\tb\rc\t" },
    { name: "non-ASCII", value: "中文域名 — emoji 🚀👩‍💻 é\u00a0\u2028\u2029\ufeff" },
    { name: "padded and empty-looking", value: "  padded  " },
    { name: "empty", value: "" },
    { name: "100 kB", value: big },
  ];
}
