import LedgerCore
import LedgerCrypto
import Storage

/// Builds a real chain — signed transfers, blocks, commit certificates signed by a quorum of
/// validators — into a store. For the audit benchmark and the audit's tamper tests.
public final class SyntheticChain {
    public let genesis: Genesis
    public let validatorKeys: [SigningKey]
    public let memberKeys: [SigningKey]
    public let state: LedgerState
    public let store: LedgerStore
    private var nonces: [UInt64]
    public private(set) var view: UInt64 = 0

    /// A consortium of `validators` validators and `members` participants, each holding 10^12 EUR cents.
    /// `roles` (sorted) are every member's roles; reports' tests give members every role.
    public init(directory: String, validators: Int = 4, members: Int = 8, roles: [Role] = [.issuer, .participant]) throws {
        validatorKeys = try (0..<validators).map { _ in try SigningKey() }
        memberKeys = try (0..<members).map { _ in try SigningKey() }
        let memberList = try memberKeys.enumerated().map { index, key in
            Member(name: try Identifier("member-\(index)"), publicKey: key.publicKey, roles: roles.sorted())
        }
        genesis = Genesis(
            chainID: "synthetic", genesisTimeMillis: 1_700_000_000_000,
            validators: try validatorKeys.enumerated().map { index, key in
                ValidatorInfo(name: try Identifier("validator-\(index)"), publicKey: key.publicKey, host: "127.0.0.1", port: UInt16(17_000 + index))
            },
            members: memberList,
            balances: memberList.map { InitialBalance(member: $0.name, currency: "EUR", amount: 1_000_000_000_000) },
            consensus: ConsensusParameters(batchSizeMax: UInt32(Limits.blockTransactionsMax)))
        try genesis.validate()
        state = LedgerState(genesis: genesis)
        store = try LedgerStore(directory: directory, genesis: genesis)
        nonces = Array(repeating: 0, count: members)
    }

    /// Signs a transaction from member `index` with its next nonce.
    public func transaction(from index: Int, _ payload: Payload) throws -> Transaction {
        nonces[index] += 1
        return try Transaction(chainID: genesis.chainID, nonce: nonces[index], payload: payload, signer: memberKeys[index])
    }

    /// A transfer of `amount` from member `from` to member `to`.
    public func transfer(from: Int, to: Int, amount: UInt64, category: TaxonomyCategory = .renewableEnergy) throws -> Transaction {
        try transaction(from: from, .transferFunds(TransferFunds(
            to: memberKeys[to].publicKey.address, currency: "EUR", amount: amount, category: category, purpose: "synthetic")))
    }

    /// Builds the next block over `transactions`, certifies it with the first quorum of validators,
    /// applies it and stores it. Its timestamp is 1 s after its parent's unless given.
    @discardableResult
    public func append(_ transactions: [Transaction], timestampMillis: UInt64? = nil) throws -> Block {
        let height = state.height + 1
        let roots = state.expectedRoots(forHeaderAt: height)!
        let block = Block(
            chainID: genesis.chainID, height: height, parentHash: state.lastBlockHash,
            timestampMillis: timestampMillis ?? state.lastTimestampMillis + 1_000, transactions: transactions,
            stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot)
        let certificate = try certify(block)
        let execution = try state.apply(block, verifier: nil)
        try store.commit(block: block, certificate: certificate, execution: execution)
        return block
    }

    /// COMMIT signatures from validators `signers` (default: the first quorum) in the current view.
    public func certify(_ block: Block, signers: [Int]? = nil, view: UInt64? = nil) throws -> CommitCertificate {
        let view = view ?? self.view
        let digest = VoteDigest.compute(
            kind: .commit, chainID: genesis.chainID, genesisHash: genesis.hash, view: view, height: block.height, digest: block.hash)
        let signers = signers ?? Array(0..<genesis.validatorSet.quorum)
        return CommitCertificate(view: view, height: block.height, blockHash: block.hash, signatures: try signers.map { index in
            ValidatorSignature(validatorIndex: UInt16(index), signature: try validatorKeys[index].sign(digest: digest))
        })
    }
}
