import type { Command } from 'commander';
import { registerNotYet } from './not-yet.js';

export function register(program: Command): void {
  registerNotYet(program, 'sim', 'run simulated devices and fleets', 4);
}
