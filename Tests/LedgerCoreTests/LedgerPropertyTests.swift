import LedgerCrypto
import Testing
@testable import LedgerCore

/// Randomized sequences of green-finance operations, seeded and reproducible. After every
/// block the global invariants must hold: funds conserved per currency, credits issued ≤
/// attested per project and vintage, credit blocks sum to what was issued, retired blocks
/// never change, allocations ≤ proceeds, nonces advance exactly once per accepted nonce.
@Suite("Ledger invariants under random operation sequences")
struct LedgerPropertyTests {
    @Test("invariants hold after every step", arguments: [1, 2, 3, 4] as [UInt64])
    func randomSequences(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let ledger = try TestLedger()
        let participants = ["bank", "fund", "owner"]
        let projects: [Identifier] = ["p-solar", "p-wind", "p-mall"]
        let categories: [TaxonomyCategory] = [.renewableEnergy, .renewableEnergy, .greenBuildings]
        for (project, category) in zip(projects, categories) { try ledger.submit("owner", ledger.register(project, category: category)) }
        try ledger.submit("issuer", .issueBond(IssueBond(bondID: "GB", currency: "EUR", faceValue: 50_000, termMonths: 12, eligibleCategories: [.renewableEnergy])))
        let initialTotal = ledger.totalFunds("EUR")
        var retiredSnapshot: [CreditBlockID: CreditBlock] = [:]

        for _ in 0..<60 {
            var transactions: [Transaction] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let project = projects.randomElement(using: &random)!
                let blocks = ledger.state.creditBlocks.values.sorted { $0.id < $1.id }
                let amount = UInt64.random(in: 0...3_000, using: &random)
                let (sender, payload): (String, Payload)
                switch Int.random(in: 0..<7, using: &random) {
                case 0:
                    sender = participants.randomElement(using: &random)!
                    payload = ledger.transfer(to: participants.randomElement(using: &random)!, amount)
                case 1:
                    sender = "verifier"
                    payload = ledger.attest(project, vintage: UInt16.random(in: 2024...2025, using: &random), amount)
                case 2:
                    sender = "registry"
                    let vintage = UInt16.random(in: 2024...2025, using: &random)
                    let next = (ledger.state.vintages[ProjectVintage(projectID: project, vintage: vintage)]?.issuedKg ?? 0) + 1
                    let first = Bool.random(using: &random) ? next : UInt64.random(in: 1...next + 5, using: &random)
                    payload = ledger.issue(project, vintage: vintage, first: first, amount, to: participants.randomElement(using: &random)!)
                case 3 where !blocks.isEmpty:
                    let block = blocks.randomElement(using: &random)!
                    sender = Bool.random(using: &random) ? participants.first { ledger.address($0) == block.owner } ?? "bank" : "fund"
                    payload = .transferCredits(TransferCredits(block: block.id, quantity: UInt64.random(in: 0...block.quantity + 2, using: &random), to: ledger.address(participants.randomElement(using: &random)!)))
                case 4 where !blocks.isEmpty:
                    let block = blocks.randomElement(using: &random)!
                    sender = participants.first { ledger.address($0) == block.owner } ?? "bank"
                    payload = .retireCredits(RetireCredits(block: block.id, quantity: UInt64.random(in: 1...block.quantity + 1, using: &random), beneficiary: "b", reason: "r"))
                case 5:
                    sender = Bool.random(using: &random) ? "issuer" : "issuer2"
                    payload = .allocateProceeds(AllocateProceeds(bondID: "GB", projectID: project, amount: amount * 5))
                default:
                    sender = "auditor"
                    payload = ledger.transfer(to: "bank", 1)
                }
                transactions.append(try ledger.transaction(sender, payload))
            }
            let noncesBefore = ledger.state.accounts.mapValues(\.nonce)
            let receipts = try ledger.apply(transactions)
            #expect(receipts.count == transactions.count)

            // Funds conserved.
            #expect(ledger.totalFunds("EUR") == initialTotal)
            // Nonces advance once per transaction with the right nonce (all of ours).
            for (address, nonce) in noncesBefore {
                let sent = transactions.filter { $0.senderAddress == address }.count
                #expect(ledger.state.accounts[address]!.nonce == nonce + UInt64(sent))
            }
            // Credits: issued ≤ attested; blocks sum to issued; retired never change.
            for (key, vintage) in ledger.state.vintages {
                #expect(vintage.issuedKg <= vintage.attestedKg)
                let blocks = ledger.state.creditBlocks.values.filter { $0.id.projectID == key.projectID && $0.id.vintage == key.vintage }
                #expect(blocks.reduce(0) { $0 + $1.quantity } == vintage.issuedKg)
                #expect(blocks.filter { $0.retirement != nil }.reduce(0) { $0 + $1.quantity } == vintage.retiredKg)
                // Serial ranges tile 1…issued with no overlap.
                var expectedFirst: UInt64 = 1
                for block in blocks.sorted(by: { $0.id.firstSerial < $1.id.firstSerial }) {
                    #expect(block.id.firstSerial == expectedFirst)
                    expectedFirst = block.id.firstSerial + block.quantity
                }
            }
            for (id, retired) in retiredSnapshot { #expect(ledger.state.creditBlocks[id] == retired) }
            for block in ledger.state.creditBlocks.values where block.retirement != nil { retiredSnapshot[block.id] = block }
            // Bonds: allocations ≤ proceeds and sum to what the bond records.
            for bond in ledger.state.bonds.values {
                #expect(bond.allocated <= bond.faceValue)
                let allocated = ledger.state.allocations.filter { $0.key.bondID == bond.bondID }.values.reduce(0, +)
                #expect(allocated == bond.allocated)
            }
        }
        #expect(!retiredSnapshot.isEmpty || ledger.state.creditBlocks.isEmpty)
    }

    @Test("replaying the same blocks from genesis reproduces every state root")
    func deterministicReplay() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("p-1"))
        try ledger.submit("verifier", ledger.attest("p-1", 900))
        try ledger.submit("registry", ledger.issue("p-1", first: 1, 900))
        try ledger.apply([try ledger.transaction("bank", ledger.transfer(to: "fund", 5)), try ledger.transaction("fund", ledger.transfer(to: "owner", 9))])
        let replica = LedgerState(genesis: ledger.genesis)
        for block in ledger.blocks {
            let execution = try replica.apply(block)
            #expect(execution.roots == ledger.state.roots(after: block.height))
        }
        #expect(replica.stateRoot == ledger.state.stateRoot)
        #expect(replica.allKeys == ledger.state.allKeys)
    }

    @Test("the state root is the reference crit-bit root over every key and value")
    func stateRootMatchesReference() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("p-1"))
        try ledger.submit("bank", ledger.transfer(to: "owner", 77))
        let leaves = ledger.state.allKeys.map { key in
            (keyHash: SHA256.hash(key.bytes), valueHash: SHA256.hash(ledger.state.value(of: key)!))
        }
        #expect(ledger.state.stateRoot == StateTree.referenceRoot(of: leaves))
    }
}
