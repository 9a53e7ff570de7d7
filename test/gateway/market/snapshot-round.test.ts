import { describe, expect, it } from 'vitest';
import { MemberIndex } from '../../../gateway/market/order-rules.js';
import { SnapshotRound, type AttemptSnapshot } from '../../../gateway/market/snapshot-round.js';
import { district } from './market-fixtures.js';

const T = Date.UTC(2026, 5, 1, 10, 0);
const d = district({ blocks: 2, buildings: 2 });
const snap = (attempt: number, hash: string): AttemptSnapshot => ({ attempt, hash, envelope: { signed: hash } });
const round = () => new SnapshotRound<AttemptSnapshot>(T, d.roster, new MemberIndex(d.roster));

describe('a round of coordinator snapshots (market interval and day-ahead plan alike)', () => {
  it('names its votes by its start and needs a majority of the roster', () => {
    const r = round();
    expect(r.startMs).toBe(T);
    expect(r.start).toBe('2026-06-01T10:00:00.000Z');
    expect(r.tally.intervalStart).toBe(r.start);
    expect(r.tally.need).toBe(3);
  });

  it('votes on the one snapshot of an attempt and finds it by hash; a repeat is known, not new', () => {
    const r = round();
    expect(r.addSnapshot(snap(0, 'a'))).toBe('new');
    expect(r.addSnapshot(snap(0, 'a'))).toBe('known');
    expect(r.votable(0)?.hash).toBe('a');
    expect(r.votable(1)).toBeUndefined();
    expect(r.snapshotByHash('a')?.attempt).toBe(0);
    expect(r.snapshotByHash('b')).toBeUndefined();
    expect(r.earlierSnapshotLive(0)).toBe(false);
    expect(r.earlierSnapshotLive(1)).toBe(true);
  });

  it('keeps both snapshots of a coordinator that signed two as evidence, and votes on neither', () => {
    const r = round();
    r.addSnapshot(snap(0, 'a'));
    expect(r.addSnapshot(snap(0, 'b'))).toBe('equivocation');
    expect(r.equivocatedAttempts.has(0)).toBe(true);
    expect(r.equivocations).toEqual([{ attempt: 0, first: { signed: 'a' }, second: { signed: 'b' } }]);
    expect([...r.snapshots.get(0)!.keys()]).toEqual(['a', 'b']);
    expect(r.votable(0)).toBeUndefined();
    // The next coordinator speaks: the equivocated attempt no longer holds it back.
    expect(r.earlierSnapshotLive(1)).toBe(false);
    expect(r.addSnapshot(snap(1, 'c'))).toBe('new');
    expect(r.votable(1)?.hash).toBe('c');
    expect(r.snapshotByHash('b')?.attempt).toBe(0);
  });
});
