// The layers of DESIGN.md, checked on every source file's imports: a lower layer never imports
// a higher one (core ← protocols, edge-solver ← device-sim ← gateway), core imports nothing of
// ours, protocols and edge-solver stay apart, and the pure layers do no I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const LAYERS = ['core', 'protocols', 'edge-solver', 'device-sim', 'gateway'] as const;
type Layer = (typeof LAYERS)[number];

/** Which of our layers each layer may import (itself included). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  protocols: ['core', 'protocols'],
  'edge-solver': ['core', 'edge-solver'],
  'device-sim': ['core', 'protocols', 'edge-solver', 'device-sim'],
  gateway: LAYERS,
};

/** Node modules the pure layers may use: hashing and ciphers, and loading a bundled solver. */
const PURE_NODE_MODULES = new Set(['node:crypto', 'node:module']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
export function importsOf(text: string): string[] {
  const specs: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.push(m[1] as string);
  return specs;
}

function layerOf(path: string): Layer | undefined {
  const top = relative(ROOT, path).split(/[\\/]/)[0];
  return LAYERS.find((l) => l === top);
}

function violations(): string[] {
  const found: string[] = [];
  for (const layer of LAYERS) {
    for (const file of sourceFiles(join(ROOT, layer))) {
      const rel = relative(ROOT, file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = normalize(join(dirname(file), spec));
          const to = layerOf(target);
          if (!to) {
            found.push(`${rel} imports ${spec}, outside the layers`);
            continue;
          }
          if (!MAY_IMPORT[layer].includes(to)) found.push(`${rel} (${layer}) imports ${relative(ROOT, target)} (${to})`);
        } else if (layer === 'core' || layer === 'protocols' || layer === 'edge-solver') {
          if (spec.startsWith('node:') && !PURE_NODE_MODULES.has(spec)) found.push(`${rel} (${layer}, pure) imports ${spec}`);
        }
      }
    }
  }
  return found;
}

describe('layering', () => {
  it('finds imports in every form a file may use', () => {
    const text = "import a from './a.js';\nexport { b } from '../b.js';\nconst c = await import('../../c.js');\nimport './side-effect.js';\nimport type { D } from 'zod';";
    expect(importsOf(text).sort()).toEqual(['../../c.js', '../b.js', './a.js', './side-effect.js', 'zod'].sort());
  });

  it('has no import from a lower layer to a higher one, and no I/O in the pure layers', () => {
    expect(violations()).toEqual([]);
  });
});
