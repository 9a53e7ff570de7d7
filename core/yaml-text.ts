// YAML text to plain data for every file nabo reads (gateway configs, fleet files, rosters):
// syntax errors, duplicate keys included, come back whole with line and column.
import { parseDocument } from 'yaml';
import type { Problem } from './problems.js';

export function parseYamlText(text: string): { ok: true; value: unknown } | { ok: false; problems: Problem[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { path: pos ? `(line ${pos.line}, column ${pos.col})` : '(file)', message: e.message.trim() };
      }),
    };
  }
  return { ok: true, value: doc.toJS() as unknown };
}
