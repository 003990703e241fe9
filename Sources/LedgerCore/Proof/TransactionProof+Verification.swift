import LedgerCrypto

extension TransactionProof {
    /// Checks the proof against a genesis the caller trusts, never against anything in the
    /// bundle itself: chain, sender membership and signature, inclusion of the transaction
    /// under a header certified by a quorum of the genesis validators, and the receipt under
    /// the receipts root of the header `stateRootLag` blocks later, also certified. Throws the
    /// first check that fails.
    public func verify(against genesis: Genesis, verifier: some SignatureVerifier = P256Verifier()) throws(ProofError) {
        let chainID = genesis.chainID
        for (part, value) in [("transaction", transaction.chainID), ("block header", header.chainID), ("receipts header", receiptHeader.chainID)]
        where value != chainID {
            throw .wrongChain(part: part, chainID: value.value, expected: chainID.value)
        }
        guard genesis.member(at: transaction.senderAddress) != nil else { throw .senderNotMember(transaction.senderAddress) }
        do { try transaction.verifySignature(using: verifier) } catch { throw .badTransactionSignature }

        guard inclusion.leafCount == header.transactionCount, inclusion.verifies(item: transaction.id, root: header.transactionsRoot) else {
            throw .notIncluded(height: header.height)
        }
        let genesisHash = genesis.hash
        let validators = genesis.validatorSet
        try check(certificate, of: header, part: "block", genesisHash: genesisHash, validators: validators, verifier: verifier)

        let (expected, overflow) = header.height.addingReportingOverflow(UInt64(genesis.consensus.stateRootLag))
        guard !overflow, receiptHeader.height == expected else {
            throw .receiptHeaderHeight(actual: receiptHeader.height, expected: expected)
        }
        guard receipt.transactionID == transaction.id else { throw .receiptForOtherTransaction }
        guard receiptInclusion.index == inclusion.index, receiptInclusion.leafCount == inclusion.leafCount else {
            throw .receiptPosition(receipt: receiptInclusion.index, transaction: inclusion.index)
        }
        guard receiptInclusion.verifies(item: receipt.hash, root: receiptHeader.receiptsRoot) else {
            throw .receiptNotCertified(height: receiptHeader.height)
        }
        try check(receiptCertificate, of: receiptHeader, part: "receipts block", genesisHash: genesisHash, validators: validators, verifier: verifier)
    }

    private func check(
        _ certificate: CommitCertificate, of header: BlockHeader, part: String, genesisHash: Digest, validators: ValidatorSet,
        verifier: some SignatureVerifier
    ) throws(ProofError) {
        guard certificate.height == header.height, certificate.blockHash == header.hash else {
            throw .certificateForOtherBlock(part: part, height: header.height)
        }
        do {
            try certificate.verify(chainID: header.chainID, genesisHash: genesisHash, validators: validators, verifier: verifier)
        } catch {
            throw .certificate(part: part, error)
        }
    }
}
