import LedgerCrypto
@testable import LedgerCore

/// A small consortium for tests: one key per member, a genesis, and helpers that sign
/// transactions with the right nonces and wrap them in linked blocks.
final class TestLedger {
    static let chainID: Identifier = "test-chain"
    let keys: [String: SigningKey]
    let genesis: Genesis
    let state: LedgerState
    private var nextNonce: [String: UInt64] = [:]
    private(set) var blocks: [Block] = []

    /// Members: bank (participant, EUR 1,000,000.00), fund (participant), owner (participant),
    /// verifier, registry, issuer (EUR 5,000,000.00), issuer2 (EUR 10,000.00), auditor.
    /// `rules`: a format-2 genesis with these green-finance rules; nil, a format-1 genesis.
    init(
        extraBalances: [InitialBalance] = [], stateRootLag: UInt32 = 1, validateGenesis: Bool = true, rules: LedgerRules? = nil,
        extraMembers: [(String, [Role])] = []
    ) throws {
        let roles: [(String, [Role])] = [
            ("bank", [.participant]), ("fund", [.participant]), ("owner", [.participant]), ("verifier", [.verifier]),
            ("registry", [.registry]), ("issuer", [.issuer]), ("issuer2", [.issuer]), ("auditor", [.auditor]),
        ] + extraMembers
        var keys: [String: SigningKey] = [:]
        var members: [Member] = []
        for (name, memberRoles) in roles {
            let key = try SigningKey()
            keys[name] = key
            members.append(Member(name: try Identifier(name), publicKey: key.publicKey, roles: memberRoles))
        }
        let validatorKey = try SigningKey()
        self.keys = keys
        genesis = Genesis(
            chainID: TestLedger.chainID, genesisTimeMillis: 1_700_000_000_000,
            validators: [ValidatorInfo(name: "validator-0", publicKey: validatorKey.publicKey, host: "127.0.0.1", port: 7000)],
            members: members,
            balances: [
                InitialBalance(member: "bank", currency: "EUR", amount: 100_000_000),
                InitialBalance(member: "issuer", currency: "EUR", amount: 500_000_000),
                InitialBalance(member: "issuer2", currency: "EUR", amount: 1_000_000),
            ] + extraBalances,
            consensus: ConsensusParameters(stateRootLag: stateRootLag), rules: rules)
        if validateGenesis { try genesis.validate() }
        state = LedgerState(genesis: genesis)
    }

    func key(_ name: String) -> SigningKey { keys[name]! }
    func address(_ name: String) -> Address { keys[name]!.publicKey.address }

    /// Signs `payload` from `sender` with its next nonce (or `nonce` when given).
    func transaction(_ sender: String, _ payload: Payload, nonce: UInt64? = nil) throws -> Transaction {
        let used = nonce ?? (nextNonce[sender, default: 0] + 1)
        if nonce == nil { nextNonce[sender] = used }
        return try Transaction(chainID: TestLedger.chainID, nonce: used, payload: payload, signer: key(sender))
    }

    /// The next block over `transactions`, carrying the roots the state expects.
    func block(_ transactions: [Transaction]) -> Block {
        let height = state.height + 1
        let roots = state.expectedRoots(forHeaderAt: height)!
        return Block(
            chainID: TestLedger.chainID, height: height, parentHash: state.lastBlockHash,
            timestampMillis: state.lastTimestampMillis + 1_000, transactions: transactions,
            stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot)
    }

    /// Applies one block of `transactions` and returns the receipts.
    @discardableResult
    func apply(_ transactions: [Transaction]) throws -> [Receipt] {
        let block = block(transactions)
        let execution = try state.apply(block)
        blocks.append(block)
        return execution.receipts
    }

    /// Signs and applies one transaction in its own block.
    @discardableResult
    func submit(_ sender: String, _ payload: Payload) throws -> Receipt {
        try apply([try transaction(sender, payload)])[0]
    }

    // Payload shorthands.
    func transfer(to: String, _ amount: UInt64, currency: Identifier = "EUR") -> Payload {
        .transferFunds(TransferFunds(to: address(to), currency: currency, amount: amount, category: .renewableEnergy, purpose: "test"))
    }

    /// A format-2 genesis (with rules) gets the project's details, as it requires.
    func register(_ projectID: Identifier, category: TaxonomyCategory = .renewableEnergy, owner: String = "owner") -> Payload {
        .registerProject(RegisterProject(
            projectID: projectID, name: "Solar farm", category: category, location: "Gansu", owner: address(owner),
            details: genesis.rules == nil ? nil : TestLedger.details))
    }

    static let details = ProjectDetails(hostCountry: try! CountryCode("CN"), methodology: "ACM0002", program: "cdm")

    /// A format-2 genesis gets the monitoring period (the vintage's calendar year).
    func attest(_ projectID: Identifier, vintage: UInt16 = 2025, _ quantity: UInt64, report: String = "report") -> Payload {
        .attestReduction(AttestReduction(
            projectID: projectID, vintage: vintage, quantityKg: quantity, reportDigest: SHA256.hash(Array(report.utf8)),
            monitoringPeriod: genesis.rules == nil ? nil : TestLedger.year(vintage)))
    }

    static func year(_ vintage: UInt16) -> MonitoringPeriod {
        try! MonitoringPeriod(start: LedgerDate(year: vintage, month: 1, day: 1), end: LedgerDate(year: vintage, month: 12, day: 31))
    }

    func issue(_ projectID: Identifier, vintage: UInt16 = 2025, first: UInt64, _ quantity: UInt64, to owner: String = "bank") -> Payload {
        .issueCredits(IssueCredits(projectID: projectID, vintage: vintage, firstSerial: first, quantity: quantity, owner: address(owner)))
    }

    func credits(_ projectID: Identifier, vintage: UInt16 = 2025, first: UInt64) -> CreditBlockID {
        CreditBlockID(projectID: projectID, vintage: vintage, firstSerial: first)
    }

    /// Sum of every account's balance in `currency`.
    func totalFunds(_ currency: Identifier) -> UInt64 {
        state.accounts.values.reduce(0) { $0 + $1.balance(currency) }
    }
}

/// A small seeded generator (SplitMix64) so randomized tests are reproducible from a seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Receipt {
    var failureCode: FailureCode? { failure?.code }
}
