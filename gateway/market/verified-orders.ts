// Orders whose signature this gateway already checked at intake, keyed by signature, so the
// snapshot that carries them again need not repeat the Ed25519 verification (the costliest
// step of a snapshot check: one per member, at every gateway). A hit requires the same signer
// and byte-identical canonical payload, so an order altered in a snapshot is verified (and
// refused) as before. Bounded: oldest intervals go first.
import { canonicalJson, canonicalJsonOnce } from '../../core/canonical-json.js';
import type { SignedOrder } from './messages.js';

export interface VerifiedOrder {
  order: SignedOrder;
  /** Canonical JSON of the whole envelope, as it stands inside a snapshot. */
  canonicalEnvelope: string;
  /** Canonical JSON of the payload: what the signature covers after the domain tag. */
  canonicalPayload: string;
}

export class VerifiedOrders {
  private readonly bySignature = new Map<string, VerifiedOrder & { intervalStartMs: number }>();
  hits = 0;
  misses = 0;

  /** `capacity` 0 turns the cache off (every lookup misses). */
  constructor(private readonly capacity = 20_000) {}

  /**
   * Remembers an order whose signature was verified (for example by the link's decoder), with
   * the canonical JSON of its payload when the verification produced it.
   */
  add(order: SignedOrder, canonicalPayload = canonicalJson(order.payload)): void {
    if (this.capacity === 0 || this.bySignature.has(order.signature)) return;
    if (this.bySignature.size >= this.capacity) this.evictOldestInterval();
    // Kept encoded: the snapshot that carries it again is encoded (to check the coordinator's
    // signature, hash and store it) from this text instead of walking every order again.
    const canonicalEnvelope = canonicalJsonOnce(order);
    this.bySignature.set(order.signature, { order, canonicalEnvelope, canonicalPayload, intervalStartMs: Date.parse(order.payload.intervalStart) });
  }

  /** The verified order an untrusted value from a snapshot stands for, if it is exactly one held. */
  match(raw: unknown): VerifiedOrder | undefined {
    if (this.capacity === 0 || raw === null || typeof raw !== 'object') return this.miss();
    const e = raw as Record<string, unknown>;
    if (typeof e.signature !== 'string') return this.miss();
    const held = this.bySignature.get(e.signature);
    if (!held || e.signer !== held.order.signer || Object.keys(e).length !== 3) return this.miss();
    // A referenced snapshot was rebuilt from the very objects held here: nothing to compare.
    if (held.order === raw) {
      this.hits++;
      return held;
    }
    let text: string;
    try {
      text = canonicalJson(e.payload);
    } catch {
      return this.miss();
    }
    if (text !== held.canonicalPayload) return this.miss();
    this.hits++;
    return held;
  }

  /** The verified order with this signature, without a payload to compare (order references). */
  bySig(signature: string): VerifiedOrder | undefined {
    return this.capacity === 0 ? undefined : this.bySignature.get(signature);
  }

  get size(): number {
    return this.bySignature.size;
  }

  /** Forgets orders for intervals that started before `beforeMs`. */
  prune(beforeMs: number): void {
    for (const [sig, v] of this.bySignature) if (v.intervalStartMs < beforeMs) this.bySignature.delete(sig);
  }

  private miss(): undefined {
    this.misses++;
    return undefined;
  }

  private evictOldestInterval(): void {
    let oldest = Infinity;
    for (const v of this.bySignature.values()) oldest = Math.min(oldest, v.intervalStartMs);
    for (const [sig, v] of this.bySignature) if (v.intervalStartMs === oldest) this.bySignature.delete(sig);
    // A flood within one interval: drop the first half, oldest first (Map keeps insertion order).
    if (this.bySignature.size >= this.capacity) for (const sig of [...this.bySignature.keys()].slice(0, this.capacity >> 1)) this.bySignature.delete(sig);
  }
}
