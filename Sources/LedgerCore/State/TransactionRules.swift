import LedgerCrypto

/// The rules, signatures aside, that decide whether a transaction may be in a block at all:
/// the chain id and the sender's membership in genesis. One value serves consensus (a replica
/// forwards, proposes and PREPAREs only what passes it — CometBFT's `ProcessProposal`, SmartBFT's
/// `VerifyProposal`), the mempool and execution, so consensus accepts exactly what execution
/// accepts. Nonces are not among them: a wrong nonce is a failed receipt, not an invalid block.
public struct TransactionRules: Sendable, Hashable {
    public let chainID: Identifier
    public let members: Set<Address>

    public init(chainID: Identifier, members: Set<Address>) {
        self.chainID = chainID
        self.members = members
    }

    public init(genesis: Genesis) {
        self.init(chainID: genesis.chainID, members: Set(genesis.members.map(\.address)))
    }

    /// Why `transaction` may not be in a block of this chain, or nil when it may.
    public func violation(_ transaction: Transaction) -> TransactionRuleViolation? {
        guard transaction.chainID == chainID else { return .wrongChain(transaction.chainID) }
        guard members.contains(transaction.senderAddress) else { return .notAMember(transaction.senderAddress) }
        return nil
    }
}

/// A rule of `TransactionRules` that a transaction breaks.
public enum TransactionRuleViolation: Hashable, Sendable, CustomStringConvertible {
    case wrongChain(Identifier)
    case notAMember(Address)

    public var description: String {
        switch self {
        case .wrongChain(let chainID): "chain id \(chainID) is not this chain's"
        case .notAMember(let address): "sender \(address) is not a member"
        }
    }
}
