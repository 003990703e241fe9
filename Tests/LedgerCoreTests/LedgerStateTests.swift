import LedgerCrypto
import Testing
@testable import LedgerCore

/// One test per payload and per invariant. Tests named after an `INVARIANT(name)` in the
/// state machine are the ones `scripts/mutate-invariants` expects to fail when that check is
/// disabled.
@Suite("Ledger state machine")
struct LedgerStateTests {
    // MARK: Funds

    @Test("transfer funds moves the amount and conserves the currency")
    func transferFunds() throws {
        let ledger = try TestLedger()
        let before = ledger.totalFunds("EUR")
        let receipt = try ledger.submit("bank", ledger.transfer(to: "fund", 2_500))
        #expect(receipt.succeeded)
        #expect(ledger.state.account(ledger.address("fund"))?.balance("EUR") == 2_500)
        #expect(ledger.state.account(ledger.address("bank"))?.balance("EUR") == 100_000_000 - 2_500)
        #expect(ledger.totalFunds("EUR") == before)
    }

    @Test("INVARIANT no-negative-balance: spending more than the balance fails and changes nothing but the nonce")
    func noNegativeBalance() throws {
        let ledger = try TestLedger()
        let receipt = try ledger.submit("bank", ledger.transfer(to: "fund", 100_000_001))
        #expect(receipt.failureCode == .insufficientFunds)
        #expect(ledger.state.account(ledger.address("bank"))?.balance("EUR") == 100_000_000)
        #expect(ledger.state.account(ledger.address("bank"))?.nonce == 1)
        #expect(ledger.state.account(ledger.address("fund"))?.balance("EUR") == 0)
        let empty = try ledger.submit("fund", ledger.transfer(to: "bank", 1, currency: "USD"))
        #expect(empty.failureCode == .insufficientFunds)
    }

    @Test("INVARIANT recipient-is-member: funds never go to an address outside the consortium")
    func transfersOnlyToMembers() throws {
        let ledger = try TestLedger()
        let stranger = try SigningKey().publicKey.address
        let receipt = try ledger.submit("bank", .transferFunds(TransferFunds(to: stranger, currency: "EUR", amount: 5, category: .renewableEnergy, purpose: "")))
        #expect(receipt.failureCode == .unknownRecipient)
        #expect(ledger.state.account(stranger) == nil)
        #expect(ledger.state.account(ledger.address("bank"))?.balance("EUR") == 100_000_000)
    }

    @Test("INVARIANT no-overflow: UInt64.max amounts fail with an overflow receipt, never a trap")
    func overflowFailsNeverTraps() throws {
        // Genesis validation forbids a currency total above UInt64.max, so a valid chain can
        // never overflow a balance; an unvalidated genesis shows the check still holds.
        let ledger = try TestLedger(extraBalances: [
            InitialBalance(member: "fund", currency: "XCO", amount: UInt64.max),
            InitialBalance(member: "owner", currency: "XCO", amount: 1),
        ], validateGenesis: false)
        let receipt = try ledger.submit("owner", ledger.transfer(to: "fund", 1, currency: "XCO"))
        #expect(receipt.failureCode == .amountOverflow)
        #expect(ledger.state.account(ledger.address("fund"))?.balance("XCO") == UInt64.max)
        #expect(ledger.state.account(ledger.address("owner"))?.balance("XCO") == 1)
    }

    @Test("INVARIANT no-overflow-attested: attested totals that would pass UInt64.max fail, never trap")
    func attestedOverflowFails() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("p-max"))
        #expect(try ledger.submit("verifier", ledger.attest("p-max", UInt64.max)).succeeded)
        let second = try ledger.submit("verifier", ledger.attest("p-max", 1))
        #expect(second.failureCode == .amountOverflow)
        #expect(ledger.state.vintages[ProjectVintage(projectID: "p-max", vintage: 2025)]?.attestedKg == UInt64.max)
    }

    @Test("zero amounts are refused for every kind that moves value")
    func zeroAmounts() throws {
        let ledger = try TestLedger()
        #expect(try ledger.submit("bank", ledger.transfer(to: "fund", 0)).failureCode == .zeroAmount)
        try ledger.submit("owner", ledger.register("p"))
        #expect(try ledger.submit("verifier", ledger.attest("p", 0)).failureCode == .zeroAmount)
        #expect(try ledger.submit("registry", ledger.issue("p", first: 1, 0)).failureCode == .zeroAmount)
    }

    // MARK: Nonces, roles, membership, signatures

    @Test("INVARIANT nonce-fresh: a replayed or skipped nonce fails and is not used up")
    func nonceRules() throws {
        let ledger = try TestLedger()
        let first = try ledger.transaction("bank", ledger.transfer(to: "fund", 10))
        #expect(try ledger.apply([first])[0].succeeded)
        // The very same signed transaction again: its nonce is spent.
        let replay = try ledger.apply([first])[0]
        #expect(replay.failureCode == .badNonce)
        let skipped = try ledger.transaction("bank", ledger.transfer(to: "fund", 10), nonce: 5)
        #expect(try ledger.apply([skipped])[0].failureCode == .badNonce)
        #expect(ledger.state.account(ledger.address("fund"))?.balance("EUR") == 10)
        #expect(ledger.state.account(ledger.address("bank"))?.nonce == 1)
    }

    @Test("a failed payload still uses up its nonce, so it can never be replayed later")
    func failedPayloadUsesNonce() throws {
        let ledger = try TestLedger()
        let tooMuch = try ledger.transaction("fund", ledger.transfer(to: "bank", 50))
        #expect(try ledger.apply([tooMuch])[0].failureCode == .insufficientFunds)
        #expect(ledger.state.account(ledger.address("fund"))?.nonce == 1)
        try ledger.submit("bank", ledger.transfer(to: "fund", 100))
        #expect(try ledger.apply([tooMuch])[0].failureCode == .badNonce)
        #expect(ledger.state.account(ledger.address("fund"))?.balance("EUR") == 100)
    }

    @Test("INVARIANT role-permits-payload: each payload needs its role")
    func roleRules() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("p"))
        let refusals: [(String, Payload)] = [
            ("bank", ledger.attest("p", 5)),
            ("verifier", ledger.issue("p", first: 1, 1)),
            ("bank", .issueBond(IssueBond(bondID: "B", currency: "EUR", faceValue: 1, termMonths: 1, eligibleCategories: [.renewableEnergy]))),
            ("auditor", ledger.transfer(to: "bank", 1)),
            ("registry", ledger.register("q")),
        ]
        for (sender, payload) in refusals {
            let receipt = try ledger.submit(sender, payload)
            #expect(receipt.failureCode == .roleNotPermitted, "\(sender) sending \(payload.kindName)")
        }
        #expect(ledger.state.projects["q"] == nil)
        #expect(ledger.state.vintages.isEmpty)
        #expect(ledger.state.bonds.isEmpty)
    }

    @Test("INVARIANT sender-is-member: a block with a non-member's transaction is rejected whole")
    func nonMemberBlockRejected() throws {
        let ledger = try TestLedger()
        let stranger = try SigningKey()
        let transaction = try Transaction(chainID: TestLedger.chainID, nonce: 1, payload: ledger.transfer(to: "fund", 1), signer: stranger)
        let block = ledger.block([transaction])
        #expect(throws: BlockRejection.self) { try ledger.state.apply(block) }
        #expect(ledger.state.height == 0)
    }

    @Test("INVARIANT valid-signature: a block with a forged signature is rejected whole")
    func forgedSignatureRejected() throws {
        let ledger = try TestLedger()
        let genuine = try ledger.transaction("bank", ledger.transfer(to: "fund", 1))
        let forged = Transaction(
            unchecked: genuine.chainID, sender: genuine.sender, nonce: genuine.nonce,
            payload: ledger.transfer(to: "fund", 1_000_000), signature: genuine.signature)
        #expect(throws: BlockRejection.transactionRejected(height: 1, index: 0, reason: "invalid signature")) {
            try ledger.state.apply(ledger.block([forged]))
        }
        #expect(ledger.state.account(ledger.address("fund"))?.balance("EUR") == 0)
    }

    @Test("INVARIANT chain-id: a transaction signed for another chain never enters a block")
    func wrongChainRejected() throws {
        let ledger = try TestLedger()
        let other = try Transaction(chainID: "other-chain", nonce: 1, payload: ledger.transfer(to: "fund", 1), signer: ledger.key("bank"))
        #expect(throws: BlockRejection.self) { try ledger.state.apply(ledger.block([other])) }
    }

    @Test("blocks must link: wrong height, wrong parent and wrong roots are rejected")
    func blockLinking() throws {
        let ledger = try TestLedger()
        try ledger.submit("bank", ledger.transfer(to: "fund", 1))
        let good = ledger.block([])
        let wrongParent = Block(chainID: TestLedger.chainID, height: 2, parentHash: .zero, timestampMillis: 1, transactions: [], stateRoot: good.header.stateRoot, receiptsRoot: good.header.receiptsRoot)
        #expect(throws: BlockRejection.wrongParent(height: 2)) { try ledger.state.apply(wrongParent) }
        let wrongRoot = Block(chainID: TestLedger.chainID, height: 2, parentHash: good.header.parentHash, timestampMillis: 1, transactions: [], stateRoot: .zero, receiptsRoot: good.header.receiptsRoot)
        #expect(throws: BlockRejection.stateRootMismatch(height: 2)) { try ledger.state.apply(wrongRoot) }
        let skip = Block(chainID: TestLedger.chainID, height: 3, parentHash: good.header.parentHash, timestampMillis: 1, transactions: [], stateRoot: .zero, receiptsRoot: .zero)
        #expect(throws: BlockRejection.wrongHeight(expected: 2, got: 3)) { try ledger.state.apply(skip) }
        _ = try ledger.state.apply(good)
        #expect(ledger.state.height == 2)
    }

    // MARK: Projects, attestations, credits

    @Test("INVARIANT project-unique: a project id is registered once")
    func projectIDsUnique() throws {
        let ledger = try TestLedger()
        #expect(try ledger.submit("owner", ledger.register("solar-1")).succeeded)
        let again = try ledger.submit("bank", ledger.register("solar-1", category: .greenBuildings, owner: "bank"))
        #expect(again.failureCode == .projectExists)
        #expect(ledger.state.projects["solar-1"]?.owner == ledger.address("owner"))
        #expect(ledger.state.projects["solar-1"]?.category == .renewableEnergy)
    }

    @Test("attestations accumulate per project and vintage, with the report digest recorded")
    func attestReduction() throws {
        let ledger = try TestLedger()
        #expect(try ledger.submit("verifier", ledger.attest("nowhere", 5)).failureCode == .unknownProject)
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000))
        try ledger.submit("verifier", ledger.attest("solar-1", 500))
        try ledger.submit("verifier", ledger.attest("solar-1", vintage: 2026, 7))
        let key = ProjectVintage(projectID: "solar-1", vintage: 2025)
        #expect(ledger.state.vintages[key]?.attestedKg == 1_500)
        #expect(ledger.state.attestations[key]?.count == 2)
        #expect(ledger.state.attestations[key]?.first?.reportDigest == SHA256.hash(Array("report".utf8)))
        #expect(ledger.state.vintages[ProjectVintage(projectID: "solar-1", vintage: 2026)]?.attestedKg == 7)
    }

    @Test("INVARIANT issued-within-attested: credits issued never exceed verified reductions of that project and vintage")
    func issuedWithinAttested() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000))
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, 600)).succeeded)
        let over = try ledger.submit("registry", ledger.issue("solar-1", first: 601, 401))
        #expect(over.failureCode == .exceedsAttested)
        let otherVintage = try ledger.submit("registry", ledger.issue("solar-1", vintage: 2024, first: 1, 1))
        #expect(otherVintage.failureCode == .exceedsAttested)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 601, 400)).succeeded)
        #expect(ledger.state.vintages[ProjectVintage(projectID: "solar-1", vintage: 2025)]?.issuedKg == 1_000)
    }

    @Test("INVARIANT serials-unique: serial ranges never overlap or skip")
    func serialRangesNeverOverlap() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000))
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, 100)).succeeded)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 50, 100)).failureCode == .serialNotNext)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, 100)).failureCode == .serialNotNext)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 300, 10)).failureCode == .serialNotNext)
        #expect(ledger.state.creditBlocks.count == 1)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 101, 10)).succeeded)
    }

    /// A project with 1,000 kg attested and credits 1…1000 issued to the bank.
    func ledgerWithCredits() throws -> TestLedger {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000))
        try ledger.submit("registry", ledger.issue("solar-1", first: 1, 1_000, to: "bank"))
        return ledger
    }

    @Test("INVARIANT credits-conserved: splitting a credit block conserves units and serials")
    func creditSplitsConserveUnits() throws {
        let ledger = try ledgerWithCredits()
        let block = ledger.credits("solar-1", first: 1)
        #expect(try ledger.submit("bank", .transferCredits(TransferCredits(block: block, quantity: 1_001, to: ledger.address("fund")))).failureCode == .quantityExceedsBlock)
        #expect(try ledger.submit("bank", .transferCredits(TransferCredits(block: block, quantity: 300, to: ledger.address("fund")))).succeeded)
        let head = try #require(ledger.state.creditBlocks[block])
        let tail = try #require(ledger.state.creditBlocks[ledger.credits("solar-1", first: 301)])
        #expect(head.owner == ledger.address("fund") && head.quantity == 300 && head.lastSerial == 300)
        #expect(tail.owner == ledger.address("bank") && tail.quantity == 700 && tail.lastSerial == 1_000)
        #expect(ledger.state.creditBlocks.values.reduce(0) { $0 + $1.quantity } == 1_000)
    }

    @Test("INVARIANT only-owner-moves-credits: nobody moves or retires credits they do not own")
    func onlyOwnerMovesCredits() throws {
        let ledger = try ledgerWithCredits()
        let block = ledger.credits("solar-1", first: 1)
        #expect(try ledger.submit("fund", .transferCredits(TransferCredits(block: block, quantity: 1, to: ledger.address("fund")))).failureCode == .notOwner)
        #expect(try ledger.submit("fund", .retireCredits(RetireCredits(block: block, quantity: 1, beneficiary: "x", reason: "y"))).failureCode == .notOwner)
        #expect(ledger.state.creditBlocks[block]?.owner == ledger.address("bank"))
        #expect(ledger.state.creditBlocks[block]?.retirement == nil)
    }

    @Test("retiring credits records the beneficiary and reason and splits off the rest")
    func retireCredits() throws {
        let ledger = try ledgerWithCredits()
        let block = ledger.credits("solar-1", first: 1)
        let receipt = try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 250, beneficiary: "Acme Steel AG", reason: "2025 scope 1 offset")))
        #expect(receipt.succeeded)
        let retired = try #require(ledger.state.creditBlocks[block])
        #expect(retired.quantity == 250)
        #expect(retired.retirement?.beneficiary == "Acme Steel AG")
        #expect(retired.retirement?.transactionID == receipt.transactionID)
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 251)]?.retirement == nil)
        #expect(ledger.state.vintages[ProjectVintage(projectID: "solar-1", vintage: 2025)]?.retiredKg == 250)
    }

    @Test("INVARIANT retired-never-move: retired credits can be neither transferred nor retired again")
    func retiredCreditsNeverMove() throws {
        let ledger = try ledgerWithCredits()
        let block = ledger.credits("solar-1", first: 1)
        try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 1_000, beneficiary: "A", reason: "B")))
        let before = ledger.state.creditBlocks[block]
        #expect(try ledger.submit("bank", .transferCredits(TransferCredits(block: block, quantity: 1, to: ledger.address("fund")))).failureCode == .creditsRetired)
        #expect(try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 1_000, beneficiary: "C", reason: "D"))).failureCode == .creditsRetired)
        #expect(ledger.state.creditBlocks[block] == before)
        #expect(ledger.state.vintages[ProjectVintage(projectID: "solar-1", vintage: 2025)]?.retiredKg == 1_000)
    }

    // MARK: Bonds

    func ledgerWithBond() throws -> TestLedger {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("solar-1", category: .renewableEnergy))
        try ledger.submit("owner", ledger.register("mall-1", category: .greenBuildings))
        try ledger.submit("issuer", .issueBond(IssueBond(bondID: "GB-2026", currency: "EUR", faceValue: 10_000, termMonths: 60, eligibleCategories: [.renewableEnergy, .cleanTransportation])))
        return ledger
    }

    @Test("INVARIANT bond-unique: a bond id is issued once")
    func bondIDsUnique() throws {
        let ledger = try ledgerWithBond()
        let again = try ledger.submit("issuer", .issueBond(IssueBond(bondID: "GB-2026", currency: "USD", faceValue: 1, termMonths: 1, eligibleCategories: [.greenBuildings])))
        #expect(again.failureCode == .bondExists)
        #expect(ledger.state.bonds["GB-2026"]?.faceValue == 10_000)
    }

    @Test("allocating proceeds moves funds from the issuer to the project owner and records the allocation")
    func allocateProceeds() throws {
        let ledger = try ledgerWithBond()
        let receipt = try ledger.submit("issuer", .allocateProceeds(AllocateProceeds(bondID: "GB-2026", projectID: "solar-1", amount: 4_000)))
        #expect(receipt.succeeded)
        #expect(ledger.state.bonds["GB-2026"]?.allocated == 4_000)
        #expect(ledger.state.allocations[BondProject(bondID: "GB-2026", projectID: "solar-1")] == 4_000)
        #expect(ledger.state.account(ledger.address("owner"))?.balance("EUR") == 4_000)
        #expect(ledger.state.account(ledger.address("issuer"))?.balance("EUR") == 500_000_000 - 4_000)
    }

    @Test("INVARIANT allocation-category-eligible: proceeds go only to projects in an eligible category")
    func allocationsOnlyToEligibleCategories() throws {
        let ledger = try ledgerWithBond()
        let receipt = try ledger.submit("issuer", .allocateProceeds(AllocateProceeds(bondID: "GB-2026", projectID: "mall-1", amount: 1)))
        #expect(receipt.failureCode == .categoryNotEligible)
        #expect(receipt.failure?.message.contains("green-buildings") == true)
        #expect(ledger.state.bonds["GB-2026"]?.allocated == 0)
    }

    @Test("INVARIANT allocations-within-proceeds: total allocations never exceed the bond's proceeds")
    func allocationsWithinProceeds() throws {
        let ledger = try ledgerWithBond()
        #expect(try ledger.submit("issuer", .allocateProceeds(AllocateProceeds(bondID: "GB-2026", projectID: "solar-1", amount: 9_000))).succeeded)
        let over = try ledger.submit("issuer", .allocateProceeds(AllocateProceeds(bondID: "GB-2026", projectID: "solar-1", amount: 1_001)))
        #expect(over.failureCode == .exceedsProceeds)
        #expect(ledger.state.bonds["GB-2026"]?.allocated == 9_000)
        #expect(ledger.state.account(ledger.address("owner"))?.balance("EUR") == 9_000)
    }

    @Test("INVARIANT only-issuer-allocates: only the bond's issuer allocates its proceeds")
    func onlyIssuerAllocates() throws {
        let ledger = try ledgerWithBond()
        let receipt = try ledger.submit("issuer2", .allocateProceeds(AllocateProceeds(bondID: "GB-2026", projectID: "solar-1", amount: 1)))
        #expect(receipt.failureCode == .notBondIssuer)
        #expect(ledger.state.bonds["GB-2026"]?.allocated == 0)
        #expect(ledger.state.account(ledger.address("issuer2"))?.balance("EUR") == 1_000_000)
        #expect(ledger.state.account(ledger.address("owner"))?.balance("EUR") == 0)
    }
}
