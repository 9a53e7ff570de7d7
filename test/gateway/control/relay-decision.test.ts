import { describe, expect, it } from 'vitest';
import { decideRelay, surplusWant } from '../../../gateway/control/relay-decision.js';

const relay = { minOnMs: 120_000, minOffMs: 300_000, maxSwitchesPerHour: 3, loadW: 2000 };
const T = 10_000_000;

describe('relay decision', () => {
  it('switches on a surplus at least the load, stays on while exporting and goes off on import', () => {
    expect(surplusWant(-1999, false, 2000)).toBe('off');
    expect(surplusWant(-2000, false, 2000)).toBe('on');
    expect(surplusWant(0, true, 2000)).toBe('on');
    expect(surplusWant(1, true, 2000)).toBe('off');
  });

  it('holds a relay on for its minimum on time and off for its minimum off time', () => {
    expect(decideRelay({ relay, nowMs: T + 119_999, isOn: true, changedAtMs: T, switchTimesMs: [T], want: 'off' })).toEqual({ stay: true, blockedBy: 'min-on', untilMs: T + 120_000 });
    expect(decideRelay({ relay, nowMs: T + 120_000, isOn: true, changedAtMs: T, switchTimesMs: [T], want: 'off' })).toEqual({ switchTo: false });
    expect(decideRelay({ relay, nowMs: T + 299_999, isOn: false, changedAtMs: T, switchTimesMs: [T], want: 'on' })).toMatchObject({ blockedBy: 'min-off' });
    expect(decideRelay({ relay, nowMs: T + 300_000, isOn: false, changedAtMs: T, switchTimesMs: [T], want: 'on' })).toEqual({ switchTo: true });
  });

  it('refuses a switch beyond the hourly limit until the oldest switch is an hour old', () => {
    const times = [T, T + 600_000, T + 1_200_000];
    expect(decideRelay({ relay, nowMs: T + 1_800_000, isOn: true, changedAtMs: T + 1_200_000, switchTimesMs: times, want: 'off' })).toEqual({ stay: true, blockedBy: 'switch-limit', untilMs: T + 3_600_000 });
    expect(decideRelay({ relay, nowMs: T + 3_600_000, isOn: true, changedAtMs: T + 1_200_000, switchTimesMs: times, want: 'off' })).toEqual({ switchTo: false });
  });

  it('keeps the state without a want, or when the want is the state already', () => {
    expect(decideRelay({ relay, nowMs: T, isOn: true, changedAtMs: 0, switchTimesMs: [], want: undefined })).toEqual({ stay: true });
    expect(decideRelay({ relay, nowMs: T, isOn: true, changedAtMs: 0, switchTimesMs: [], want: 'on' })).toEqual({ stay: true });
  });

  it('never switches a load on past the connection cap, and takes one off at once when the connection is over it', () => {
    const base = { relay, changedAtMs: T, switchTimesMs: [T], connectionCapW: 6000 };
    expect(decideRelay({ ...base, nowMs: T + 600_000, isOn: false, want: 'on', gridW: 4001 })).toEqual({ stay: true, blockedBy: 'connection-cap' });
    expect(decideRelay({ ...base, nowMs: T + 600_000, isOn: false, want: 'on', gridW: 4000 })).toEqual({ switchTo: true });
    // Inside its minimum on time and whatever control wants: the fuse comes first.
    expect(decideRelay({ ...base, nowMs: T + 1000, isOn: true, want: 'on', gridW: 6001 })).toEqual({ switchTo: false });
    expect(decideRelay({ ...base, nowMs: T + 1000, isOn: true, want: 'on', gridW: 6000 })).toEqual({ stay: true });
  });
});
