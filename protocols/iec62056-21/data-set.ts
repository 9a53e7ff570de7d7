// IEC 62056-21 data sets: `address(value*unit)`, several per line, address optional
// (`(1234567)` in a password command). Values are text: meters pad them with spaces and
// print identifiers, dates and hex as well as numbers.
export interface IecDataSet {
  /** As printed ('1.8.0', '1-0:1.8.0*255', 'C.1.0', '3:14'); null when the data set has none. */
  address: string | null;
  value: string;
  unit?: string;
}

const UNIT = /^[A-Za-z%][A-Za-z0-9%/]*$/;

function dataSet(address: string, raw: string): IecDataSet {
  const star = raw.lastIndexOf('*');
  const unit = star >= 0 ? raw.slice(star + 1) : '';
  const a = address === '' ? null : address;
  // An empty unit after the star (`(001234.5*)`) is kept as '' so the reader can say so.
  return star >= 0 && (UNIT.test(unit) || unit === '') ? { address: a, value: raw.slice(0, star), unit } : { address: a, value: raw };
}

/** Parses one data line (no CR LF); undefined when it is not a sequence of data sets. */
export function parseDataLine(line: string): IecDataSet[] | undefined {
  const sets: IecDataSet[] = [];
  let p = 0;
  while (p < line.length) {
    const open = line.indexOf('(', p);
    if (open < 0) return undefined;
    const address = line.slice(p, open);
    if (/[()!/\x00-\x1f]/.test(address) || address.length > 32) return undefined;
    const close = line.indexOf(')', open + 1);
    if (close < 0) return undefined;
    const raw = line.slice(open + 1, close);
    if (raw.includes('(') || /[\x00-\x1f]/.test(raw)) return undefined;
    sets.push(dataSet(address, raw));
    p = close + 1;
  }
  return sets.length > 0 ? sets : undefined;
}

export function formatDataSet(ds: IecDataSet): string {
  return `${ds.address ?? ''}(${ds.value}${ds.unit !== undefined ? `*${ds.unit}` : ''})`;
}

/**
 * The OBIS C.D.E an address stands for when it is a current value: 'A-B:C.D.E*255' and
 * 'C.D.E' alike, letters C/F/L/P as 96/97/98/99, missing groups as 0 ('32.7' → '32.7.0').
 * Undefined for historic values ('1.8.0*01' is billing period 1) and other addresses.
 */
export function obisKey(address: string | null): { medium?: number; key: string } | undefined {
  if (address === null) return undefined;
  const m = /^(?:(\d{1,3})-(\d{1,3}):)?([0-9CFLP]{1,3})\.([0-9CFLP]{1,3})(?:\.(\d{1,3}))?(?:[*&](\d{1,3}))?$/.exec(address.trim());
  if (!m) return undefined;
  if (m[6] !== undefined && m[6] !== '255') return undefined;
  const letter = (g: string): string => ({ C: '96', F: '97', L: '98', P: '99' })[g] ?? String(Number(g));
  // E = 255 means 'not used' (IEC 62056-61): an instantaneous value 1.7.255 is 1.7.0. Other
  // groups keep it (96.1.255 is an identifier of its own).
  const d = letter(m[4] as string);
  const e = m[5] === undefined || (Number(m[5]) === 255 && d === '7') ? 0 : Number(m[5]);
  const key = `${letter(m[3] as string)}.${d}.${e}`;
  return m[1] !== undefined ? { medium: Number(m[1]), key } : { key };
}
