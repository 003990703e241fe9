extension TransactionProof {
    /// Assembles the proof of `block.transactions[position]` from the stored block, its
    /// certificate, all of its receipts (in block order) and the header and certificate of the
    /// block that certifies those receipts. Nil when the pieces do not fit together: a position
    /// outside the block, or receipts that are not the ones `receiptHeader.receiptsRoot` commits to.
    public init?(
        position: Int, in block: Block, certificate: CommitCertificate, receipts: [Receipt],
        receiptHeader: BlockHeader, receiptCertificate: CommitCertificate
    ) {
        guard block.transactions.indices.contains(position), receipts.count == block.transactions.count else { return nil }
        let receiptHashes = receipts.map(\.hash)
        guard MerkleTree.root(of: receiptHashes) == receiptHeader.receiptsRoot,
            let inclusion = MerkleTree.proof(of: position, in: block.transactions.map(\.id)),
            let receiptInclusion = MerkleTree.proof(of: position, in: receiptHashes)
        else { return nil }
        self.init(
            transaction: block.transactions[position], header: block.header, certificate: certificate, inclusion: inclusion,
            receipt: receipts[position], receiptInclusion: receiptInclusion, receiptHeader: receiptHeader,
            receiptCertificate: receiptCertificate)
    }
}
