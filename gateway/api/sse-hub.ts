// /api/events: Server-Sent Events to the dashboards. Live values go out on a real-time period
// only while someone listens (a simulated clock at speed 600 must not push 600 times a second);
// alarms go out as they happen.
import type { ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../../core/clock.js';

/** Clients beyond this are refused (503): each holds a socket and a share of every push. */
export const MAX_SSE_CLIENTS = 32;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly realClock: Clock,
    private readonly periodMs: number,
    private readonly tick: () => Array<{ event: string; data: unknown }>,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response; false when the hub is full. */
  add(res: ServerResponse): boolean {
    if (this.clients.size >= MAX_SSE_CLIENTS) return false;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimer();
    });
    // The first values at once, so a dashboard shows something before the first period ends.
    for (const m of this.tick()) this.write(res, m.event, m.data);
    this.timer ??= this.realClock.setInterval(() => this.broadcastTick(), this.periodMs);
    return true;
  }

  broadcast(event: string, data: unknown): void {
    for (const res of this.clients) this.write(res, event, data);
  }

  close(): void {
    this.stopTimer();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcastTick(): void {
    if (this.clients.size === 0) return;
    for (const m of this.tick()) this.broadcast(m.event, m.data);
  }

  private write(res: ServerResponse, event: string, data: unknown): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private stopTimer(): void {
    this.realClock.clear(this.timer);
    this.timer = undefined;
  }
}
