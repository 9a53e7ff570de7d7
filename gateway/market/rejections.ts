// Counts every refused input by reason and by member (the topic's gateway segment, or
// 'unknown'), for ctx.status and `nabo market show`: a member sending garbage is visible.
export class RejectionCounter {
  private readonly byReason = new Map<string, number>();
  private readonly byMember = new Map<string, Map<string, number>>();
  private total = 0;

  add(reason: string, member: string | undefined): void {
    const who = member ?? 'unknown';
    this.total++;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    let m = this.byMember.get(who);
    if (!m) {
      m = new Map();
      this.byMember.set(who, m);
    }
    m.set(reason, (m.get(reason) ?? 0) + 1);
  }

  count(reason?: string, member?: string): number {
    if (member !== undefined) {
      const m = this.byMember.get(member);
      if (!m) return 0;
      return reason === undefined ? [...m.values()].reduce((a, b) => a + b, 0) : (m.get(reason) ?? 0);
    }
    return reason === undefined ? this.total : (this.byReason.get(reason) ?? 0);
  }

  snapshot(): { total: number; byReason: Record<string, number>; byMember: Record<string, Record<string, number>> } {
    const byMember: Record<string, Record<string, number>> = {};
    for (const [who, m] of this.byMember) byMember[who] = Object.fromEntries(m);
    return { total: this.total, byReason: Object.fromEntries(this.byReason), byMember };
  }
}
