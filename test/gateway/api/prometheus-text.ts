// A strict parser of the Prometheus text exposition format (0.0.4) for tests: every line is
// parsed, and anything malformed throws with its line number, as does a sample of an
// undeclared family, a repeated series, or a histogram whose buckets do not add up.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** As Prometheus reads values (Go's strconv.ParseFloat): Inf and NaN in any letter case. */
function parseValue(raw: string, lineNo: number): number {
  const special = /^([-+]?)(inf|infinity|nan)$/i.exec(raw);
  if (special) return (special[2] as string).toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new Error(`line ${lineNo}: bad sample value '${raw}'`);
  return Number(raw);
}

/** Parses `{a="x",b="y"}` starting at `i` (the '{'); returns the labels and the index after '}'. */
function parseLabels(line: string, i: number, lineNo: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${lineNo}: label without '='`);
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${lineNo}: bad label name '${name}'`);
    if (name in labels) throw new Error(`line ${lineNo}: label '${name}' repeated`);
    if (line[eq + 1] !== '"') throw new Error(`line ${lineNo}: label value of '${name}' not quoted`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = line[j];
      if (c === undefined) throw new Error(`line ${lineNo}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const e = line[j + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`line ${lineNo}: bad escape '\\${e ?? ''}'`);
        j += 2;
      } else {
        value += c;
        j++;
      }
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new Error(`line ${lineNo}: expected ',' or '}' after label '${name}'`);
  }
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const f = families.get(sampleName.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  text.split('\n').forEach((line, index) => {
    const lineNo = index + 1;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name '${name}'`);
      let f = families.get(name);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`line ${lineNo}: unknown type '${rest}'`);
        if (f && (f.samples.length > 0 || f.type !== 'untyped')) throw new Error(`line ${lineNo}: TYPE of '${name}' after its samples or twice`);
        if (!f) families.set(name, (f = { name, type: 'untyped', help: undefined, samples: [] }));
        f.type = rest as Family['type'];
      } else {
        if (!f) families.set(name, (f = { name, type: 'untyped', help: undefined, samples: [] }));
        if (f.help !== undefined) throw new Error(`line ${lineNo}: HELP of '${name}' twice`);
        f.help = rest;
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${lineNo}: not a sample: '${line}'`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name '${name}'`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === '{') [labels, i] = parseLabels(line, i, lineNo);
    if (line[i] !== ' ') throw new Error(`line ${lineNo}: expected a space before the value`);
    const parts = line.slice(i + 1).split(' ');
    if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new Error(`line ${lineNo}: expected 'value [timestamp]'`);
    const value = parseValue(parts[0] as string, lineNo);
    if (parts.length === 2 && !/^-?\d+$/.test(parts[1] as string)) throw new Error(`line ${lineNo}: bad timestamp '${parts[1]}'`);
    const family = familyOf(name, families);
    if (!family) throw new Error(`line ${lineNo}: sample '${name}' of no declared family`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${lineNo}: series ${key} repeated`);
    seen.add(key);
    family.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** Buckets per series: `le` ascending, counts cumulative, +Inf equal to _count. */
function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name === `${f.name}_count`) entry.count = s.value;
  }
  for (const [key, e] of series) {
    for (let i = 1; i < e.buckets.length; i++) {
      const [lePrev, cPrev] = e.buckets[i - 1] as [number, number];
      const [le, c] = e.buckets[i] as [number, number];
      if (!(le > lePrev) || c < cPrev) throw new Error(`${f.name}${key}: buckets not ascending and cumulative`);
    }
    const last = e.buckets[e.buckets.length - 1];
    if (!last || last[0] !== Infinity || last[1] !== e.count) throw new Error(`${f.name}${key}: +Inf bucket missing or not equal to _count`);
  }
}

/** The value of one sample; throws when it is not there exactly once (absent is undefined when optional). */
export function sampleValue(families: Map<string, Family>, name: string, labels?: Record<string, string>): number;
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string>, options: { optional: true }): number | undefined;
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}, options: { optional?: boolean } = {}): number | undefined {
  const matches = [...families.values()].flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length === 0 && options.optional) return undefined;
  if (matches.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${matches.length} samples`);
  return (matches[0] as Sample).value;
}
