import LedgerCore
import LedgerCrypto
import Storage

extension ValidatorNode {
    /// Builds the proof bundle of a committed transaction from the store: its block and
    /// certificate, all the block's receipts, and the block `stateRootLag` heights later whose
    /// header carries (and certificate certifies) those receipts' root.
    public func transactionProof(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionProofLookup {
        let location: (height: UInt64, position: Int)?
        do { location = try store.location(of: transactionID) } catch { throw .storage(reason: "\(error)") }
        guard let location else {
            return await mempool.transaction(transactionID) != nil ? .pending : .unknown
        }
        let certifyingHeight = location.height + UInt64(genesis.consensus.stateRootLag)
        let stored: StoredBlock?
        let certifying: StoredBlock?
        var receipts: [Receipt] = []
        do {
            stored = try store.block(at: location.height)
            certifying = try store.block(at: certifyingHeight)
            for position in stored?.block.transactions.indices ?? 0..<0 {
                guard let receipt = try store.receipt(height: location.height, position: position) else { break }
                receipts.append(receipt)
            }
        } catch {
            throw .storage(reason: "\(error)")
        }
        guard let stored else { throw .storage(reason: "block \(location.height) is missing from the store") }
        guard let certifying else {
            return .receiptNotYetCertified(height: location.height, certifyingHeight: certifyingHeight)
        }
        guard let proof = TransactionProof(
            position: location.position, in: stored.block, certificate: stored.certificate, receipts: receipts,
            receiptHeader: certifying.block.header, receiptCertificate: certifying.certificate)
        else {
            throw .storage(reason: "the stored receipts of block \(location.height) do not match the receipts root certified by block \(certifyingHeight)")
        }
        return .proof(proof)
    }
}
