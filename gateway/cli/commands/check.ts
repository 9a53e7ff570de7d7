import type { Command } from 'commander';
import { registerNotYet } from './not-yet.js';

export function register(program: Command): void {
  registerNotYet(program, 'check', 'check config, buses and every device once', 5);
}
