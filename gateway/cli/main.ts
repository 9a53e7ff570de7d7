#!/usr/bin/env node
// Entry point of the `nabo` command (bin); the program itself is in program.ts.
import { main } from './program.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`nabo: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
