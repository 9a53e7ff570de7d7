// bench:market's latency probe: the real instant each gateway's round turned final, seen on its
// update. Real time, not the simulated clock's reading: a starved process's clock stops at the
// next timer it has not fired yet, which would hide the delay being measured.
import type { MarketService } from '../../gateway/market/market-service.js';

export function watchFinals(services: readonly MarketService[], T: number): { stop(): number[] } {
  const at = services.map(() => NaN);
  const offs = services.map((s, i) =>
    s.onUpdate(() => {
      if (Number.isNaN(at[i]!) && s.round(T)?.status === 'final') at[i] = performance.now();
    }),
  );
  return {
    stop: () => {
      for (const off of offs) off();
      return at;
    },
  };
}
