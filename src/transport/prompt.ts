import type { ReadStream } from "node:tty";

let turn: Promise<unknown> = Promise.resolve();
const answers = new Map<string, Promise<string | null>>();

/** A live display on the terminal (the progress): it stops drawing while a secret is asked, and shows the question. */
export interface PromptDisplay {
  suspend(): void;
  /** Writes on the terminal past the display's own hold on the output. */
  write(text: string): void;
  resume(): void;
}

let display: PromptDisplay | null = null;

/** Lends the terminal's prompts to a live display until the returned function is called. */
export function showPromptsOn(d: PromptDisplay): () => void {
  display = d;
  return () => {
    if (display === d) display = null;
  };
}

/** True when the operator can be asked: stdin and stderr are a terminal. */
export function canAsk(): boolean {
  return process.stdin.isTTY && process.stderr.isTTY;
}

/**
 * Asks for a secret on the terminal without echo, one question at a time across all connections. The same `key`
 * (a user@host, a key file) is asked once per run. Resolves null when there is no terminal to ask on.
 */
export function askSecret(key: string, question: string): Promise<string | null> {
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = canAsk() ? turn.then(() => readHidden(question)) : Promise.resolve(null);
    turn = answer.catch(() => undefined);
    answers.set(key, answer);
  }
  return answer;
}

function readHidden(question: string): Promise<string> {
  const input = process.stdin as ReadStream;
  const on = display;
  const write = (text: string): void => {
    if (on) on.write(text);
    else process.stderr.write(text);
  };
  on?.suspend();
  return new Promise((resolve) => {
    let typed: string[] = [];
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") {
          finish();
          resolve(typed.join(""));
          return;
        }
        if (char === "\u0003") {
          finish();
          // Raw mode swallowed Ctrl-C; deliver it as the terminal would have.
          process.kill(process.pid, "SIGINT");
          return;
        }
        typed = char === "\u007f" || char === "\b" ? typed.slice(0, -1) : [...typed, char];
      }
    };
    const finish = (): void => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      // Under a live display the question's line is cleared, so the display redraws where it left off.
      write(on ? "\r\u001b[2K" : "\n");
      on?.resume();
    };
    write(question);
    input.setRawMode(true);
    input.on("data", onData);
    input.resume();
  });
}
