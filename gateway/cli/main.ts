#!/usr/bin/env -S node --max-semi-space-size=2 --v8-pool-size=1
// A small young generation keeps the daemon's memory flat on a Raspberry Pi, and one V8 helper
// thread instead of one per core saves ~6 MB of RSS at no measurable CPU (bench:gateway).
// Entry point of the `nabo` command (bin); the program itself is in program.ts.
import { main } from './program.js';

// A reader that went away (`nabo … | head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`nabo: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
