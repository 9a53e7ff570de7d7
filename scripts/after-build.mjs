// After tsc: make the CLI entry executable so `npx nabo` and the installed bin run it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/gateway/cli/main.js', import.meta.url), 0o755);
