import LedgerCrypto

/// Why a transaction proof does not prove its record, one case per check, each a sentence
/// that names the check that failed.
public enum ProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a well-formed proof bundle.
    case malformed(CodecError)
    /// A part of the proof names another chain than the trusted genesis.
    case wrongChain(part: String, chainID: String, expected: String)
    case senderNotMember(Address)
    case badTransactionSignature
    /// The inclusion proof does not lead from the transaction id to the header's transactions root.
    case notIncluded(height: UInt64)
    /// The certificate is for another block or height than the header next to it.
    case certificateForOtherBlock(part: String, height: UInt64)
    case certificate(part: String, CertificateError)
    /// The receipts header is not `stateRootLag` blocks after the transaction's block.
    case receiptHeaderHeight(actual: UInt64, expected: UInt64)
    case receiptForOtherTransaction
    case receiptPosition(receipt: UInt32, transaction: UInt32)
    /// The receipt proof does not lead from the receipt to the later header's receipts root.
    case receiptNotCertified(height: UInt64)

    public var description: String {
        switch self {
        case .malformed(let error): "the file is not a well-formed proof bundle: \(error)"
        case .wrongChain(let part, let chainID, let expected):
            "the \(part) is for chain \"\(chainID)\", but your genesis is chain \"\(expected)\""
        case .senderNotMember(let address): "the sender \(address) is not a member of your genesis"
        case .badTransactionSignature: "the transaction's signature is not its sender's signature over its contents"
        case .notIncluded(let height):
            "the inclusion proof does not lead from the transaction id to the transactions root of block \(height)"
        case .certificateForOtherBlock(let part, let height):
            "the \(part) certificate is not for the header at height \(height) next to it (another block or height)"
        case .certificate(let part, let error): "the \(part) certificate is not valid under your genesis validators: \(error)"
        case .receiptHeaderHeight(let actual, let expected):
            "the receipts are certified by the header at height \(expected) (block height + stateRootLag), but the proof carries height \(actual)"
        case .receiptForOtherTransaction: "the receipt is for another transaction"
        case .receiptPosition(let receipt, let transaction):
            "the receipt proof is for position \(receipt), the transaction is at position \(transaction)"
        case .receiptNotCertified(let height):
            "the receipt proof does not lead from the receipt to the receipts root of block \(height): the receipt (success or failure) is not the one the validators certified"
        }
    }
}
