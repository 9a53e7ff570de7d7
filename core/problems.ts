// Where input is wrong and why: a config file, a fleet file, an HTTP body. zod issues become
// `{ path, message }` with a path an installer can find in the file (`devices[2].unitId`) and a
// message that says what was expected and what was found.
import type { z } from 'zod';

export interface Problem {
  /** `devices[2].unitId`; `(root)` for the whole document, `(file)` for the file itself. */
  path: string;
  message: string;
}

/** `['devices', 2, 'unitId']` → `devices[2].unitId`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = '(root)'): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? root : out;
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return `'${input.length > 40 ? `${input.slice(0, 40)}…` : input}'`;
    case 'number':
      return Number.isNaN(input) ? 'NaN' : String(input);
    case 'boolean':
      return String(input);
    case 'object':
      return 'a mapping';
    default:
      return typeof input;
  }
}

/** One zod issue in words: "required", "expected an integer, got 'fast'", "unknown field 'x'". */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required';
    const expected = issue.expected === 'int' ? 'an integer' : issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`;
    return `expected ${expected}, got ${describeInput(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid')) return `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`;
  return issue.message;
}

/** All of a failed parse's issues as problems. */
export function zodProblems(error: z.ZodError, root = '(root)'): Problem[] {
  return error.issues.map((i) => ({ path: formatPath(i.path, root), message: issueMessage(i) }));
}
