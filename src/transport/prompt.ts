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
    answer = canAsk() ? inTurn(() => readLine(question, false)) : Promise.resolve(null);
    answers.set(key, answer);
  }
  return answer;
}

/**
 * Asks a question on the terminal and reads the line typed (shown as typed), in turn with the other questions.
 * Resolves null when the operator pressed Ctrl-C instead (which then interrupts the run as usual).
 */
export function askLine(question: string): Promise<string | null> {
  return inTurn(() => readLine(question, true));
}

function inTurn<T>(ask: () => Promise<T>): Promise<T> {
  const answer = turn.then(ask);
  turn = answer.catch(() => undefined);
  return answer;
}

/** One line from the terminal in raw mode (so a live display can be held still around it), echoed or not; null on Ctrl-C. */
function readLine(question: string, echo: boolean): Promise<string | null> {
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
          resolve(null);
          // Raw mode swallowed Ctrl-C; deliver it as the terminal would have.
          process.kill(process.pid, "SIGINT");
          return;
        }
        const erase = char === "\u007f" || char === "\b";
        if (echo && (!erase || typed.length > 0)) write(erase ? "\b \b" : char);
        typed = erase ? typed.slice(0, -1) : [...typed, char];
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
    // Raw before the question shows: an answer typed the moment it appears (Ctrl-C included) must reach
    // this reader, not the terminal's line discipline (which would turn Ctrl-C into a signal).
    input.setRawMode(true);
    input.on("data", onData);
    input.resume();
    write(question);
  });
}
