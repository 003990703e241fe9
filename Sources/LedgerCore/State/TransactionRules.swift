import LedgerCrypto

/// The rules, signatures aside, that decide whether a transaction may be in a block at all:
/// the chain id, the sender's membership in genesis, and the payload's format (a format-1
/// genesis takes only format-1 payloads, which every earlier binary decodes; a format-2
/// genesis needs projects with their details and attestations with their monitoring period). One value serves consensus (a replica
/// forwards, proposes and PREPAREs only what passes it — CometBFT's `ProcessProposal`, SmartBFT's
/// `VerifyProposal`), the mempool and execution, so consensus accepts exactly what execution
/// accepts. Nonces are not among them: a wrong nonce is a failed receipt, not an invalid block.
public struct TransactionRules: Sendable, Hashable {
    public let chainID: Identifier
    public let members: Set<Address>
    /// The genesis format (`Genesis.formatVersion`).
    public let genesisFormat: UInt8

    public init(chainID: Identifier, members: Set<Address>, genesisFormat: UInt8 = 1) {
        self.chainID = chainID
        self.members = members
        self.genesisFormat = genesisFormat
    }

    public init(genesis: Genesis) {
        self.init(chainID: genesis.chainID, members: Set(genesis.members.map(\.address)), genesisFormat: genesis.formatVersion)
    }

    /// Why `transaction` may not be in a block of this chain, or nil when it may.
    public func violation(_ transaction: Transaction) -> TransactionRuleViolation? {
        guard transaction.chainID == chainID else { return .wrongChain(transaction.chainID) }
        guard members.contains(transaction.senderAddress) else { return .notAMember(transaction.senderAddress) }
        return formatViolation(transaction.payload)
    }

    /// Why `payload` does not belong to this genesis format, or nil.
    public func formatViolation(_ payload: Payload) -> TransactionRuleViolation? {
        guard genesisFormat >= 2 || payload.format == 1 else {  // INVARIANT(payload-format)
            return .payloadFormat("\(payload.kindName) in this form needs a format-2 genesis; this ledger's genesis is format 1")
        }
        guard genesisFormat < 2 || payload.missingFormatTwoRecord == nil else {  // INVARIANT(format-two-records)
            return .payloadFormat("this ledger (genesis format 2) needs \(payload.missingFormatTwoRecord ?? "") with every \(payload.kindName)")
        }
        return nil
    }
}

/// A rule of `TransactionRules` that a transaction breaks.
public enum TransactionRuleViolation: Hashable, Sendable, CustomStringConvertible {
    case wrongChain(Identifier)
    case notAMember(Address)
    case payloadFormat(String)

    public var description: String {
        switch self {
        case .wrongChain(let chainID): "chain id \(chainID) is not this chain's"
        case .notAMember(let address): "sender \(address) is not a member"
        case .payloadFormat(let problem): problem
        }
    }
}
