import type { Command } from 'commander';
import { registerNotYet } from './not-yet.js';

export function register(program: Command): void {
  registerNotYet(program, 'decode', 'decode a HAN, P1, IEC 62056-21 capture or a SunSpec register dump', 3);
}
