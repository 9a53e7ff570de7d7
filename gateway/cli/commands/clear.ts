import type { Command } from 'commander';
import { registerNotYet } from './not-yet.js';

export function register(program: Command): void {
  registerNotYet(program, 'clear', 'clear an interval order book', 6);
}
