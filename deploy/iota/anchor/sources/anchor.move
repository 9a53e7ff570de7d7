// nabo's anchor module: a gateway puts the Merkle root of a batch of its signed records on the
// ledger. Nothing is stored in objects; the call emits an event carrying the root, and the
// transaction (its digest and checkpoint) is the receipt every record's inclusion proof ends at.
// The transaction's sender is the gateway's address (derived from its Ed25519 key), so who
// anchored is proven by the ledger itself.
module nabo_anchor::anchor {
    use iota::event;

    /// A root is a SHA-256 digest.
    const EBadRootLength: u64 = 1;
    /// A batch has at least one record.
    const EEmptyBatch: u64 = 2;

    public struct RootAnchored has copy, drop {
        anchorer: address,
        root: vector<u8>,
        leaf_count: u64,
        batch_id: u64,
    }

    /// Anchors one batch root. `batch_id` is the gateway's own batch counter (unique per gateway).
    public entry fun anchor_root(root: vector<u8>, leaf_count: u64, batch_id: u64, ctx: &TxContext) {
        assert!(vector::length(&root) == 32, EBadRootLength);
        assert!(leaf_count > 0, EEmptyBatch);
        event::emit(RootAnchored { anchorer: tx_context::sender(ctx), root, leaf_count, batch_id });
    }

    #[test]
    fun anchors_a_32_byte_root() {
        let ctx = tx_context::dummy();
        let mut root = vector::empty<u8>();
        let mut i = 0;
        while (i < 32) { vector::push_back(&mut root, (i as u8)); i = i + 1; };
        anchor_root(root, 3, 1, &ctx);
    }

    #[test]
    #[expected_failure(abort_code = EBadRootLength)]
    fun refuses_a_short_root() {
        let ctx = tx_context::dummy();
        anchor_root(vector[1, 2, 3], 3, 1, &ctx);
    }
}
