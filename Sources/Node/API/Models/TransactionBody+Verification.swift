import LedgerCore
import LedgerCrypto

/// Why a `TransactionBody` does not hold a checkable commit.
public enum CommitProofError: Error, Sendable, Hashable, CustomStringConvertible {
    case notCommitted(status: String)
    case missingField(String)
    case undecodable(field: String, reason: String)
    case inconsistent(String)

    public var description: String {
        switch self {
        case .notCommitted(let status): "the transaction is \(status), not committed"
        case .missingField(let field): "the node's answer lacks \(field)"
        case .undecodable(let field, let reason): "the node's \(field) does not decode: \(reason)"
        case .inconsistent(let reason): "the node's answer does not hold together: \(reason)"
        }
    }
}

extension TransactionBody {
    /// Decodes the canonical bytes of a committed transaction's header, certificate, proof
    /// and receipt, and checks what holds without a genesis: the certificate is for this
    /// header's hash and height, the proof puts the id under the header's transactions root,
    /// and the receipt is for this id. The caller still checks the certificate's signatures
    /// against its own genesis (`CommitCertificate.verify`).
    public func verifiableCommit() throws(CommitProofError) -> TransactionCommit {
        guard status == "committed" else { throw .notCommitted(status: status) }
        guard let id = Digest(hex: self.id) else { throw .undecodable(field: "id", reason: "not 64 hex digits") }
        guard let height, let position else { throw .missingField("height and position") }
        guard let headerHex = header?.hex else { throw .missingField("header") }
        guard let certificateHex = certificate?.hex else { throw .missingField("certificate") }
        guard let proofHex = proof?.hex else { throw .missingField("proof") }
        guard let receiptHex = receipt?.hex else { throw .missingField("receipt") }
        let header: BlockHeader = try Self.decode(headerHex, "header")
        let certificate: CommitCertificate = try Self.decode(certificateHex, "certificate")
        let proof: MerkleProof = try Self.decode(proofHex, "proof")
        let receipt: Receipt = try Self.decode(receiptHex, "receipt")
        guard header.height == height, certificate.height == height, certificate.blockHash == header.hash else {
            throw .inconsistent("the certificate is not for this header at height \(height)")
        }
        guard proof.index == UInt32(clamping: position), proof.verifies(item: id, root: header.transactionsRoot) else {
            throw .inconsistent("the inclusion proof does not place the transaction under the header's transactions root")
        }
        guard receipt.transactionID == id else { throw .inconsistent("the receipt is for another transaction") }
        return TransactionCommit(
            transactionID: id, height: height, position: position, receipt: receipt, header: header, certificate: certificate, proof: proof)
    }

    private static func decode<Value: CanonicalDecodable>(_ hex: String, _ field: String) throws(CommitProofError) -> Value {
        guard let bytes = Hex.decode(hex) else { throw .undecodable(field: field, reason: "not hex") }
        do { return try Value(canonicalBytes: bytes) } catch { throw .undecodable(field: field, reason: error.description) }
    }
}
