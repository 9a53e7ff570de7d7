import type { Command } from 'commander';
import { register as config } from './config.js';
import { register as decode } from './decode.js';
import { register as sim } from './sim.js';
import { register as run } from './run.js';
import { register as read } from './read.js';
import { register as scan } from './scan.js';
import { register as check } from './check.js';
import { register as clear } from './clear.js';
import { register as schedule } from './schedule.js';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [config, run, check, read, scan, decode, sim, clear, schedule];
