// The dashboard's files, read once at start from the package (gateway/api/dashboard/, found
// from this module whether it runs from source or from dist/) and chart.js from node_modules:
// a gateway on a closed LAN serves everything it needs, nothing comes from a CDN.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../cli/package-info.js';

export interface DashboardAssets {
  /** index.html with its CSS and script inlined: one self-contained page. */
  indexHtml: Buffer;
  chartJs: Buffer;
}

export function loadDashboardAssets(): DashboardAssets {
  const dir = join(packageRoot(), 'gateway', 'api', 'dashboard');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const css = readFileSync(join(dir, 'dashboard.css'), 'utf8');
  const js = readFileSync(join(dir, 'dashboard.js'), 'utf8');
  // chart.js exports only its ESM/CJS builds; the UMD file sits beside the CJS one.
  const chartDir = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const chartJs = readFileSync(join(chartDir, 'chart.umd.min.js'));
  const page = html.replace('/*@inline-css*/', () => css).replace('/*@inline-js*/', () => js.replace(/<\/script/gi, '<\\/script'));
  return { indexHtml: Buffer.from(page, 'utf8'), chartJs };
}
