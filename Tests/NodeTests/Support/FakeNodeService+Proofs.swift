import LedgerCore
import LedgerCrypto
import Node

extension FakeNodeService {
    /// A bundle assembled from the fake chain, whose blocks carry no real receipts roots: it
    /// decodes but does not verify. The API tests check the route; verification is covered by
    /// LedgerCoreTests and the end-to-end tests against a real testnet.
    func transactionProof(_ transactionID: Digest) async throws(NodeServiceError) -> TransactionProofLookup {
        switch try await transactionStatus(transactionID) {
        case .pending: return .pending
        case .unknown: return .unknown
        case .committed(let commit):
            guard let including = try await block(at: commit.height) else { throw .storage(reason: "block \(commit.height) is missing") }
            guard let later = try await block(at: commit.height + 1) else {
                return .receiptNotYetCertified(height: commit.height, certifyingHeight: commit.height + 1)
            }
            return .proof(TransactionProof(
                transaction: including.block.transactions[commit.position], header: commit.header, certificate: commit.certificate,
                inclusion: commit.proof, receipt: commit.receipt, receiptInclusion: commit.proof, receiptHeader: later.block.header,
                receiptCertificate: later.certificate))
        }
    }
}
