// Rounding residuals after line losses: each block's grid exchange (`need`) must stay within
// its connection cap. A block whose need is outside moves it one Wh at a time: first through a
// lossy line at the block (delivered into it, or sent out of it, changes by a Wh: the loss
// absorbs it), else through a lossless line to a neighbour, which then does the same (depth
// first, lines in canonical order, never back to a block on the path).
import { NotOptimalError, type ClearingProblem } from './problem.js';

export interface LineState {
  /** sent[dir][line] and delivered[dir][line]; dir 0 is from → to. */
  sent: readonly [Float64Array, Float64Array];
  delivered: readonly [Float64Array, Float64Array];
  /** Import − export each block needs to balance. */
  need: Float64Array;
}

export function repairBalance(p: ClearingProblem, st: LineState): void {
  const nb = p.blockIds.length;
  for (let b = 0; b < nb; b++) {
    const cap = p.gridCapWh[b]!;
    let guard = 0;
    while (Math.abs(st.need[b]!) > cap) {
      if (guard++ > 1000 || !lower(p, st, b, st.need[b]! > cap ? 1 : -1, new Set([b]))) {
        throw new NotOptimalError(`allocate: block ${p.blockIds[b]} cannot be balanced to the Wh within its connection cap`);
      }
    }
  }
}

/** Moves block b's need by −s (s = 1: b takes one more Wh in; s = −1: one more out) without its grid. */
function lower(p: ClearingProblem, st: LineState, b: number, s: 1 | -1, path: Set<number>): boolean {
  const nl = p.lines.length;
  // Lossy lines at b: the loss changes by one Wh.
  for (let l = 0; l < nl; l++) {
    if (p.lineLoss[l] === 0) continue;
    for (const dir of [0, 1] as const) {
      const from = dir === 0 ? p.lineFrom[l]! : p.lineTo[l]!;
      const to = dir === 0 ? p.lineTo[l]! : p.lineFrom[l]!;
      const sent = st.sent[dir];
      const delivered = st.delivered[dir];
      if (to === b && (s === 1 ? delivered[l]! < sent[l]! : delivered[l]! > 0)) {
        delivered[l] = delivered[l]! + s;
        st.need[b] = st.need[b]! - s;
        return true;
      }
      if (from === b && (s === 1 ? sent[l]! > delivered[l]! : sent[l]! < p.lineCapWh[l]!)) {
        sent[l] = sent[l]! - s;
        st.need[b] = st.need[b]! - s;
        return true;
      }
    }
  }
  // Lossless lines: pass the Wh on to the neighbour (less out or more in when s = 1).
  for (let l = 0; l < nl; l++) {
    if (p.lineLoss[l] !== 0) continue;
    for (const dir of [0, 1] as const) {
      const from = dir === 0 ? p.lineFrom[l]! : p.lineTo[l]!;
      const to = dir === 0 ? p.lineTo[l]! : p.lineFrom[l]!;
      if (from !== b && to !== b) continue;
      const other = from === b ? to : from;
      if (path.has(other)) continue;
      // Change of this direction's flow that lowers b's need by s.
      const change = from === b ? -s : s;
      const next = st.sent[dir][l]! + change;
      if (next < 0 || next > p.lineCapWh[l]!) continue;
      const apply = (c: number): void => {
        st.sent[dir][l] = st.sent[dir][l]! + c;
        st.delivered[dir][l] = st.delivered[dir][l]! + c;
        st.need[b] = st.need[b]! - (from === b ? -c : c);
        st.need[other] = st.need[other]! + (from === b ? -c : c);
      };
      apply(change);
      if (Math.abs(st.need[other]!) <= p.gridCapWh[other]!) return true;
      path.add(other);
      if (lower(p, st, other, s, path)) return true;
      path.delete(other);
      apply(-change);
    }
  }
  return false;
}
