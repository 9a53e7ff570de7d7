// Who may ask: with a token configured (mandatory off loopback) every request carries it, as
// `Authorization: Bearer <token>` or `?token=` (EventSource cannot set headers). Without one the
// listener is loopback-only, and the Host header must be a loopback name too, so a web page
// cannot reach the API through DNS rebinding.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './config.js';

export type AuthOutcome = 'ok' | 'missing-token' | 'wrong-token' | 'foreign-host';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m) return m[1];
  }
  return url.searchParams.get('token') ?? undefined;
}

export function authorize(req: IncomingMessage, url: URL, token: string | undefined): AuthOutcome {
  if (token === undefined) {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    return host === '' || isLoopbackHost(host) ? 'ok' : 'foreign-host';
  }
  const given = presentedToken(req, url);
  if (given === undefined) return 'missing-token';
  // Compared as digests: equal length, constant time, whatever was sent.
  return timingSafeEqual(digest(given), digest(token)) ? 'ok' : 'wrong-token';
}
