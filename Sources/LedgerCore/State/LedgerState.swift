import LedgerCrypto

/// The deterministic green-finance state machine. Applying the same blocks to the same
/// genesis yields the same receipts and state root on every replica and in every audit.
///
/// Owned by one actor (the node) or one audit loop: it is a reference type with no locks.
public final class LedgerState {
    public let genesis: Genesis
    public let genesisHash: Digest
    /// Height of the last applied block (0 = genesis).
    public private(set) var height: UInt64 = 0
    public private(set) var lastBlockHash: Digest
    public private(set) var lastTimestampMillis: UInt64

    public internal(set) var accounts: [Address: Account] = [:]
    public internal(set) var projects: [Identifier: Project] = [:]
    public internal(set) var vintages: [ProjectVintage: VintageAccount] = [:]
    public internal(set) var attestations: [ProjectVintage: [Attestation]] = [:]
    public internal(set) var creditBlocks: [CreditBlockID: CreditBlock] = [:]
    public internal(set) var bonds: [Identifier: Bond] = [:]
    public internal(set) var allocations: [BondProject: UInt64] = [:]
    /// Every attested verification report's SHA-256 → where it was attested, for attestations
    /// standing (not revoked). Derived from the attestations (not a leaf of its own), so it is
    /// rebuilt on restore and changes no root.
    public internal(set) var attestedReports: [Digest: ProjectVintage] = [:]

    let membersByAddress: [Address: Member]
    /// What may be in a block of this chain at all (also what consensus checks before voting).
    public let rules: TransactionRules
    private var tree = StateTree()
    var dirtyKeys = Set<StateKey>()
    /// Roots after each of the last `rootHistoryMax` heights, for checking headers that carry
    /// the roots after height − stateRootLag.
    private var rootHistory: [UInt64: ExecutionRoots] = [:]
    private static let rootHistoryMax: UInt64 = 64

    public init(genesis: Genesis) {
        self.genesis = genesis
        genesisHash = genesis.hash
        lastBlockHash = genesisHash
        lastTimestampMillis = genesis.genesisTimeMillis
        var members: [Address: Member] = [:]
        for member in genesis.members {
            members[member.address] = member
            accounts[member.address] = Account()
        }
        membersByAddress = members
        rules = TransactionRules(genesis: genesis)
        for address in members.keys { markDirty(.account(address)) }
        for balance in genesis.balances {
            guard let member = genesis.member(named: balance.member), balance.amount > 0 else { continue }
            accounts[member.address]!.balances[balance.currency] = balance.amount
        }
        let roots = ExecutionRoots(stateRoot: flushStateRoot(), receiptsRoot: .zero)
        rootHistory[0] = roots
    }

    /// Restores the state after `checkpoint.height` from stored leaves (key bytes, value bytes),
    /// rebuilding the Merkle tree. Throws if a leaf does not decode or the rebuilt root differs
    /// from the root recorded for that height.
    public convenience init(genesis: Genesis, restoring leaves: [(key: [UInt8], value: [UInt8])], at checkpoint: StateCheckpoint) throws(CodecError) {
        self.init(genesis: genesis)
        let genesisRoot = tree.rootHash
        accounts = [:]
        tree = StateTree()
        for (keyBytes, value) in leaves {
            let key = try StateKey(bytes: keyBytes)
            switch try StateRecord(key: key, value: value) {
            case .account(let address, let account): accounts[address] = account
            case .project(let project): projects[project.projectID] = project
            case .vintage(let key, let account): vintages[key] = account
            case .attestation(let attestation):
                let key = ProjectVintage(projectID: attestation.projectID, vintage: attestation.vintage)
                attestations[key, default: []].append(attestation)
                if attestation.revocation == nil && attestedReports[attestation.reportDigest] == nil {
                    attestedReports[attestation.reportDigest] = key
                }
            case .creditBlock(let block): creditBlocks[block.id] = block
            case .bond(let bond): bonds[bond.bondID] = bond
            case .allocation(let key, let amount): allocations[key] = amount
            }
            tree.set(keyHash: SHA256.hash(keyBytes), valueHash: SHA256.hash(value))
        }
        // Leaves arrive sorted by key bytes, and a vintage's attestations by sequence.
        for (key, list) in attestations where !list.enumerated().allSatisfy({ UInt32($0.offset) == $0.element.sequence }) {
            throw .invalidValue(field: "attestations", reason: "\(key) has a gap in its attestation sequence")
        }
        dirtyKeys.removeAll()
        height = checkpoint.height
        lastBlockHash = checkpoint.lastBlockHash
        lastTimestampMillis = checkpoint.lastTimestampMillis
        rootHistory = checkpoint.recentRoots
        rootHistory[0] = rootHistory[0] ?? ExecutionRoots(stateRoot: genesisRoot, receiptsRoot: .zero)
        if let recorded = checkpoint.recentRoots[checkpoint.height], recorded.stateRoot != tree.rootHash {
            throw .invalidValue(field: "state", reason: "restored state root \(tree.rootHash.shortHex) differs from the root recorded at height \(checkpoint.height)")
        }
    }

    public var stateRoot: Digest { tree.rootHash }

    /// The state and receipts roots after `height`, while it is among the recent heights kept.
    public func roots(after height: UInt64) -> ExecutionRoots? { rootHistory[height] }

    /// The roots a header at `height` must carry: those after height − stateRootLag (genesis's
    /// for the first blocks).
    public func expectedRoots(forHeaderAt height: UInt64) -> ExecutionRoots? {
        let lag = UInt64(genesis.consensus.stateRootLag)
        return roots(after: height > lag ? height - lag : 0)
    }

    public func member(at address: Address) -> Member? { membersByAddress[address] }
    public func account(_ address: Address) -> Account? { accounts[address] }

    // MARK: - Applying blocks

    /// Checks a block's static validity: structure, chain id, every sender a member and every
    /// signature valid. A block failing this gets no vote and is never applied.
    /// `verifier` nil skips signatures (the caller verified them already, e.g. in parallel).
    public func validate(_ block: Block, verifier: (any SignatureVerifier)? = P256Verifier()) throws(BlockRejection) {
        guard block.header.chainID == genesis.chainID else { throw .wrongChain(height: block.height, chainID: block.header.chainID) }
        do { try block.validateStructure() } catch { throw .malformed(error) }
        for (index, transaction) in block.transactions.enumerated() {
            guard transaction.chainID == genesis.chainID else {  // INVARIANT(chain-id)
                throw .transactionRejected(height: block.height, index: index, reason: "chain id \(transaction.chainID) is not \(genesis.chainID)")
            }
            guard membersByAddress[transaction.senderAddress] != nil else {  // INVARIANT(sender-is-member)
                throw .transactionRejected(height: block.height, index: index, reason: "sender \(transaction.senderAddress) is not a member")
            }
            if let violation = rules.formatViolation(transaction.payload) {
                throw .transactionRejected(height: block.height, index: index, reason: violation.description)
            }
            let signatureValid = verifier?.isValidSignature(transaction.signature, digest: transaction.signingDigest, publicKey: transaction.sender) ?? true
            guard signatureValid else {  // INVARIANT(valid-signature)
                throw .transactionRejected(height: block.height, index: index, reason: "invalid signature")
            }
        }
    }

    /// Applies the next block: checks it links to the last one and is valid (`validate`: a block
    /// with a transaction that breaks a static rule is refused whole), executes every transaction,
    /// and returns the receipts, the new roots and the state changes to persist. The auditor's
    /// replay: a certified block that breaks a static rule is a finding.
    public func apply(_ block: Block, verifier: (any SignatureVerifier)? = P256Verifier()) throws(BlockRejection) -> BlockExecution {
        try checkLink(block)
        try validate(block, verifier: verifier)
        try checkRoots(block)
        return execute(block, refused: [:])
    }

    /// Executes a block a quorum of validators certified: total for everything a transaction
    /// carries. A transaction that breaks a static rule (chain, membership, signature) — which
    /// honest replicas never PREPARE, so only more than f faulty validators could certify it —
    /// gets a failed receipt and changes nothing, so a node never stops over what peers sent.
    /// Throws only when the block does not follow this state (height, parent, structure, roots):
    /// a fault of this node's own store, or more than f faulty validators.
    public func applyCertified(_ block: Block, verifier: (any SignatureVerifier)? = P256Verifier()) throws(BlockRejection) -> BlockExecution {
        try checkLink(block)
        guard block.header.chainID == genesis.chainID else { throw .wrongChain(height: block.height, chainID: block.header.chainID) }
        do { try block.validateStructure() } catch { throw .malformed(error) }
        var refused: [Int: TransactionFailure] = [:]
        for (index, transaction) in block.transactions.enumerated() {
            if let violation = rules.violation(transaction) {
                let code: FailureCode = switch violation {
                case .wrongChain: .wrongChain
                case .notAMember: .notAMember
                case .payloadFormat: .payloadFormat
                }
                refused[index] = TransactionFailure(code, "\(violation); a block with it should never have been certified")
            } else if let verifier, !verifier.isValidSignature(transaction.signature, digest: transaction.signingDigest, publicKey: transaction.sender) {
                refused[index] = TransactionFailure(.invalidSignature, "invalid signature; a block with it should never have been certified")
            }
        }
        try checkRoots(block)
        return execute(block, refused: refused)
    }

    /// Height and parent: what makes `block` the next block of this state.
    private func checkLink(_ block: Block) throws(BlockRejection) {
        guard block.height == height + 1 else { throw .wrongHeight(expected: height + 1, got: block.height) }
        guard block.header.parentHash == lastBlockHash else { throw .wrongParent(height: block.height) }
    }

    /// The header's roots are this state's after height − stateRootLag.
    private func checkRoots(_ block: Block) throws(BlockRejection) {
        if let expected = expectedRoots(forHeaderAt: block.height) {
            guard block.header.stateRoot == expected.stateRoot else { throw .stateRootMismatch(height: block.height) }
            guard block.header.receiptsRoot == expected.receiptsRoot else { throw .receiptsRootMismatch(height: block.height) }
        }
    }

    /// Runs every transaction of a linked block; `refused[i]` fails transaction i untouched.
    private func execute(_ block: Block, refused: [Int: TransactionFailure]) -> BlockExecution {
        let context = ExecutionContext(height: block.height, timestampMillis: block.header.timestampMillis)
        var receipts: [Receipt] = []
        receipts.reserveCapacity(block.transactions.count)
        for (index, transaction) in block.transactions.enumerated() {
            let outcome = refused[index].map(Receipt.Outcome.failure) ?? execute(transaction, context: context)
            receipts.append(Receipt(transactionID: transaction.id, outcome: outcome))
        }
        let encodedKeys = dirtyKeys.map { (bytes: $0.bytes, key: $0) }.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        let changes = encodedKeys.map { StateChange(key: $0.key, keyBytes: $0.bytes, value: value(of: $0.key)) }
        let roots = ExecutionRoots(stateRoot: flushStateRoot(changes), receiptsRoot: Receipt.root(of: receipts))
        height = block.height
        lastBlockHash = block.hash
        lastTimestampMillis = block.header.timestampMillis
        rootHistory[height] = roots
        if height >= LedgerState.rootHistoryMax { rootHistory[height - LedgerState.rootHistoryMax] = nil }
        return BlockExecution(height: height, blockHash: block.hash, receipts: receipts, roots: roots, changes: changes)
    }

    /// Runs one authenticated transaction. The nonce is used up whenever it was the right one,
    /// whether or not the payload succeeds; a failed payload changes nothing else.
    /// `checkNonce` false (simulation only) takes the transaction as the sender's next.
    func execute(_ transaction: Transaction, context: ExecutionContext, checkNonce: Bool = true) -> Receipt.Outcome {
        let sender = transaction.senderAddress
        let member = membersByAddress[sender]!
        let expectedNonce = accounts[sender]!.nonce + 1
        guard !checkNonce || transaction.nonce == expectedNonce else {  // INVARIANT(nonce-fresh)
            return .failure(TransactionFailure(.badNonce, "nonce \(transaction.nonce) is not the next nonce \(expectedNonce) of \(sender)"))
        }
        accounts[sender]!.nonce = expectedNonce
        markDirty(.account(sender))
        let request = PayloadRequest(sender: sender, member: member, transactionID: transaction.id, context: context)
        if let failure = apply(transaction.payload, request) { return .failure(failure) }
        return .success
    }

    // MARK: - Bookkeeping

    func markDirty(_ key: StateKey) { dirtyKeys.insert(key) }

    /// Writes `changes` (by default every dirty key) into the Merkle tree and returns the new root.
    private func flushStateRoot(_ changes: [StateChange]? = nil) -> Digest {
        let changes = changes ?? dirtyKeys.map { StateChange(key: $0, keyBytes: $0.bytes, value: value(of: $0)) }
        for change in changes {
            let keyHash = SHA256.hash(change.keyBytes)
            if let value = change.value {
                tree.set(keyHash: keyHash, valueHash: SHA256.hash(value))
            } else {
                tree.remove(keyHash: keyHash)
            }
        }
        dirtyKeys.removeAll(keepingCapacity: true)
        return tree.rootHash
    }

    /// The canonical bytes stored under `key`, or nil when absent.
    public func value(of key: StateKey) -> [UInt8]? {
        switch key {
        case .account(let address): accounts[address]?.canonicalBytes
        case .project(let projectID): projects[projectID]?.canonicalBytes
        case .vintage(let projectVintage): vintages[projectVintage]?.canonicalBytes
        case .attestation(let projectVintage, let sequence):
            attestations[projectVintage].flatMap { list in
                Int(sequence) < list.count ? list[Int(sequence)].canonicalBytes : nil
            }
        case .creditBlock(let id): creditBlocks[id]?.canonicalBytes
        case .bond(let bondID): bonds[bondID]?.canonicalBytes
        case .allocation(let key): allocations[key].map { amount in
                var writer = CanonicalWriter(capacity: 8)
                writer.write(amount)
                return writer.bytes
            }
        }
    }

    /// Every key in the state, sorted: what an auditor compares against the stored tables.
    public var allKeys: [StateKey] {
        var keys: [StateKey] = accounts.keys.map { .account($0) }
        keys += projects.keys.map { .project($0) }
        keys += vintages.keys.map { .vintage($0) }
        for (projectVintage, list) in attestations {
            keys += list.indices.map { .attestation(projectVintage, sequence: UInt32($0)) }
        }
        keys += creditBlocks.keys.map { .creditBlock($0) }
        keys += bonds.keys.map { .bond($0) }
        keys += allocations.keys.map { .allocation($0) }
        return keys.sorted()
    }

    // Mutators used by the payload rules.
    func setAccount(_ address: Address, _ account: Account) { accounts[address] = account; markDirty(.account(address)) }
    func setProject(_ project: Project) { projects[project.projectID] = project; markDirty(.project(project.projectID)) }
    func setVintage(_ key: ProjectVintage, _ value: VintageAccount) { vintages[key] = value; markDirty(.vintage(key)) }
    func appendAttestation(_ attestation: Attestation) {
        let key = ProjectVintage(projectID: attestation.projectID, vintage: attestation.vintage)
        attestations[key, default: []].append(attestation)
        if attestedReports[attestation.reportDigest] == nil { attestedReports[attestation.reportDigest] = key }
        markDirty(.attestation(key, sequence: attestation.sequence))
    }
    func setAttestation(_ attestation: Attestation) {
        let key = ProjectVintage(projectID: attestation.projectID, vintage: attestation.vintage)
        attestations[key]![Int(attestation.sequence)] = attestation
        if attestation.revocation != nil && attestedReports[attestation.reportDigest] == key {
            attestedReports[attestation.reportDigest] = nil
        }
        markDirty(.attestation(key, sequence: attestation.sequence))
    }
    func setCreditBlock(_ block: CreditBlock) { creditBlocks[block.id] = block; markDirty(.creditBlock(block.id)) }
    func removeCreditBlock(_ id: CreditBlockID) { creditBlocks[id] = nil; markDirty(.creditBlock(id)) }
    func setBond(_ bond: Bond) { bonds[bond.bondID] = bond; markDirty(.bond(bond.bondID)) }
    func setAllocation(_ key: BondProject, _ amount: UInt64) { allocations[key] = amount; markDirty(.allocation(key)) }
}

/// The roots after executing a block.
public struct ExecutionRoots: Hashable, Sendable {
    public let stateRoot: Digest
    public let receiptsRoot: Digest

    public init(stateRoot: Digest, receiptsRoot: Digest) {
        self.stateRoot = stateRoot
        self.receiptsRoot = receiptsRoot
    }
}

/// What applying one block produced.
public struct BlockExecution: Sendable {
    public let height: UInt64
    public let blockHash: Digest
    public let receipts: [Receipt]
    public let roots: ExecutionRoots
    /// Every key the block wrote, sorted, with its new bytes (nil = removed).
    public let changes: [StateChange]

    public init(height: UInt64, blockHash: Digest, receipts: [Receipt], roots: ExecutionRoots, changes: [StateChange]) {
        self.height = height
        self.blockHash = blockHash
        self.receipts = receipts
        self.roots = roots
        self.changes = changes
    }
}

struct ExecutionContext {
    let height: UInt64
    let timestampMillis: UInt64
}

struct PayloadRequest {
    let sender: Address
    let member: Member
    let transactionID: Digest
    let context: ExecutionContext
}

/// Why a block cannot be applied at all (as opposed to a transaction in it failing).
public enum BlockRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongHeight(expected: UInt64, got: UInt64)
    case wrongParent(height: UInt64)
    case wrongChain(height: UInt64, chainID: Identifier)
    case malformed(BlockError)
    case transactionRejected(height: UInt64, index: Int, reason: String)
    case stateRootMismatch(height: UInt64)
    case receiptsRootMismatch(height: UInt64)

    public var description: String {
        switch self {
        case .wrongHeight(let expected, let got): "expected block \(expected), got \(got)"
        case .wrongParent(let height): "block \(height) does not link to the previous block's hash"
        case .wrongChain(let height, let chainID): "block \(height) is for chain \(chainID)"
        case .malformed(let error): error.description
        case .transactionRejected(let height, let index, let reason): "block \(height), transaction \(index): \(reason)"
        case .stateRootMismatch(let height): "block \(height): header state root differs from this replica's execution"
        case .receiptsRootMismatch(let height): "block \(height): header receipts root differs from this replica's execution"
        }
    }
}
