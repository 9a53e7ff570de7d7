import type { Command } from 'commander';
import { registerNotYet } from './not-yet.js';

export function register(program: Command): void {
  registerNotYet(program, 'schedule', 'solve the day-ahead community LP on a case', 6);
}
