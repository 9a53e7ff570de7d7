import type { Command } from 'commander';
import { registerNotYet } from './not-yet.js';

export function register(program: Command): void {
  registerNotYet(program, 'scan', 'find Modbus devices on a port or host', 5);
}
