// Questions for `nabo init` on any readable stream: a terminal, or answers piped in by a script
// or a test (readline in line mode works when stdin is not a TTY). Prompts go to stderr so
// stdout stays the command's result.
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface Question<T> {
  text: string;
  /** Shown in brackets and taken on an empty answer. */
  defaultAnswer?: string;
  /** Turns the answer into a value, or says what is wrong with it. */
  parse(answer: string): { ok: true; value: T } | { ok: false; message: string };
}

export class AnswersEnded extends Error {
  constructor(question: string) {
    super(`no answer to "${question}" (input ended)`);
    this.name = 'AnswersEnded';
  }
}

export class LinePrompter {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;
  /** Answers read from a pipe are echoed, so a scripted run reads like a session. */
  private readonly echo: boolean;

  constructor(
    input: Readable,
    private readonly output: Writable,
    /** A wrong answer is asked again this many times before giving up. */
    private readonly attempts = 3,
  ) {
    this.echo = (input as Readable & { isTTY?: boolean }).isTTY !== true;
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(line);
      } else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      const w = this.waiting;
      this.waiting = undefined;
      w?.(undefined);
    });
  }

  private nextLine(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async ask<T>(q: Question<T>): Promise<T> {
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      this.output.write(`${q.text}${q.defaultAnswer !== undefined && q.defaultAnswer !== '' ? ` [${q.defaultAnswer}]` : ''}: `);
      const line = await this.nextLine();
      if (line === undefined) {
        this.output.write('\n');
        // A script that stops answering takes the defaults, as a person pressing Enter would.
        if (q.defaultAnswer === undefined) throw new AnswersEnded(q.text);
        const r = q.parse(q.defaultAnswer);
        if (r.ok) return r.value;
        throw new AnswersEnded(q.text);
      }
      if (this.echo) this.output.write(`${line}\n`);
      const answer = line.trim() === '' && q.defaultAnswer !== undefined ? q.defaultAnswer : line.trim();
      const r = q.parse(answer);
      if (r.ok) return r.value;
      this.output.write(`  ${r.message}\n`);
    }
    throw new AnswersEnded(q.text);
  }

  close(): void {
    this.rl.close();
  }
}

/** Answer parsers shared by the questions. */
export const answers = {
  text: (answer: string) => ({ ok: true as const, value: answer }),
  yesNo: (answer: string) => (/^(y|yes|j|ja)$/i.test(answer) ? { ok: true as const, value: true } : /^(n|no|nei)$/i.test(answer) ? { ok: true as const, value: false } : { ok: false as const, message: 'answer y or n' }),
  number:
    (min: number, max: number) =>
    (answer: string): { ok: true; value: number } | { ok: false; message: string } => {
      const n = Number(answer);
      return answer !== '' && Number.isFinite(n) && n >= min && n <= max ? { ok: true, value: n } : { ok: false, message: `must be a number ${min}..${max}` };
    },
  oneOf:
    <T extends string>(choices: readonly T[]) =>
    (answer: string): { ok: true; value: T } | { ok: false; message: string } =>
      (choices as readonly string[]).includes(answer) ? { ok: true, value: answer as T } : { ok: false, message: `one of ${choices.join(', ')}` },
};
