import LedgerCore
import LedgerCrypto

/// Why the mempool refused a transaction, in words a client can act on, with a stable
/// `code` for programs.
public enum MempoolRejection: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongChain(expected: Identifier, actual: Identifier)
    case notAMember(sender: Address)
    case payloadFormat(String)
    case invalidSignature(transactionID: Digest)
    case staleNonce(sender: Address, nonce: UInt64, committedNonce: UInt64)
    case nonceTooFarAhead(sender: Address, nonce: UInt64, committedNonce: UInt64, aheadMax: UInt64)
    case conflictingNonce(sender: Address, nonce: UInt64, pendingID: Digest)
    case mempoolFull(transactionsMax: Int, bytesMax: Int)
    case batchTooLarge(count: Int, maximum: Int)

    /// Every code, for counters and documentation.
    public static let allCodes = [
        "wrong-chain", "not-a-member", "payload-format", "invalid-signature", "stale-nonce", "nonce-too-far-ahead",
        "conflicting-nonce", "mempool-full", "batch-too-large",
    ]

    public var code: String {
        switch self {
        case .wrongChain: "wrong-chain"
        case .notAMember: "not-a-member"
        case .payloadFormat: "payload-format"
        case .invalidSignature: "invalid-signature"
        case .staleNonce: "stale-nonce"
        case .nonceTooFarAhead: "nonce-too-far-ahead"
        case .conflictingNonce: "conflicting-nonce"
        case .mempoolFull: "mempool-full"
        case .batchTooLarge: "batch-too-large"
        }
    }

    public var description: String {
        switch self {
        case .wrongChain(let expected, let actual):
            "the transaction is for chain \"\(actual)\" but this node runs chain \"\(expected)\"; sign it with --chain-id \(expected)"
        case .notAMember(let sender):
            "sender \(sender) is not a member in this chain's genesis; only genesis members may submit transactions"
        case .payloadFormat(let problem):
            problem
        case .invalidSignature(let transactionID):
            "transaction \(transactionID.shortHex)'s signature does not verify against its sender key; re-sign it with the sender's key"
        case .staleNonce(let sender, let nonce, let committedNonce):
            "nonce \(nonce) of \(sender) is already used (committed nonce is \(committedNonce)); use nonce \(committedNonce + 1) or higher"
        case .nonceTooFarAhead(let sender, let nonce, let committedNonce, let aheadMax):
            "nonce \(nonce) of \(sender) is more than \(aheadMax) above its committed nonce \(committedNonce); submit the missing nonces first"
        case .conflictingNonce(let sender, let nonce, let pendingID):
            "a different transaction (\(pendingID.shortHex)) with nonce \(nonce) of \(sender) is already pending; wait for it to commit"
        case .mempoolFull(let transactionsMax, let bytesMax):
            "the mempool is full (\(transactionsMax) transactions or \(bytesMax) bytes); retry after the next blocks commit"
        case .batchTooLarge(let count, let maximum):
            "a batch of \(count) transactions is above the maximum of \(maximum); split it"
        }
    }
}
