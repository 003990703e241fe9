import Foundation
import LedgerCore
import LedgerCrypto
import Testing
@testable import Storage

/// A chain whose members hold every role, built block by block into a real store, for the
/// query tests: projects, attestations, credits and bonds, not only transfers.
final class QueryChain {
    let genesis: Genesis
    let keys: [SigningKey]
    let validatorKey: SigningKey
    let state: LedgerState
    let store: LedgerStore
    private var nonces: [UInt64]

    init(directory: String, members: Int = 3) throws {
        keys = try (0..<members).map { _ in try SigningKey() }
        validatorKey = try SigningKey()
        let memberList = try keys.enumerated().map { index, key in
            Member(name: try Identifier("member-\(index)"), publicKey: key.publicKey, roles: [.participant, .issuer, .registry, .verifier])
        }
        genesis = Genesis(
            chainID: "query-test", genesisTimeMillis: 1_700_000_000_000,
            validators: [ValidatorInfo(name: "validator-0", publicKey: validatorKey.publicKey, host: "127.0.0.1", port: 17_500)],
            members: memberList,
            balances: [InitialBalance(member: "member-0", currency: "EUR", amount: UInt64.max - 7)],
            consensus: ConsensusParameters(batchSizeMax: UInt32(Limits.blockTransactionsMax)))
        try genesis.validate()
        state = LedgerState(genesis: genesis)
        store = try LedgerStore(directory: directory, genesis: genesis)
        nonces = Array(repeating: 0, count: members)
    }

    func address(_ member: Int) -> Address { keys[member].publicKey.address }

    /// Commits one block of `payloads`, each from its member, and returns their receipts' success.
    @discardableResult
    func commit(_ payloads: [(Int, Payload)]) throws -> [Bool] {
        let transactions = try payloads.map { member, payload in
            nonces[member] += 1
            return try Transaction(chainID: genesis.chainID, nonce: nonces[member], payload: payload, signer: keys[member])
        }
        let height = state.height + 1
        let roots = state.expectedRoots(forHeaderAt: height)!
        let block = Block(
            chainID: genesis.chainID, height: height, parentHash: state.lastBlockHash, timestampMillis: state.lastTimestampMillis + 1_000,
            transactions: transactions, stateRoot: roots.stateRoot, receiptsRoot: roots.receiptsRoot)
        let digest = VoteDigest.compute(kind: .commit, chainID: genesis.chainID, genesisHash: genesis.hash, view: 0, height: height, digest: block.hash)
        let certificate = CommitCertificate(
            view: 0, height: height, blockHash: block.hash,
            signatures: [ValidatorSignature(validatorIndex: 0, signature: try validatorKey.sign(digest: digest))])
        let execution = try state.apply(block, verifier: nil)
        try store.commit(block: block, certificate: certificate, execution: execution)
        return execution.receipts.map(\.succeeded)
    }
}

@Suite("Ledger queries over a real store")
struct LedgerQueriesTests {
    let directory: TemporaryDirectory
    let chain: QueryChain
    let queries: LedgerQueries
    static let huge = UInt64.max - 5

    /// Ten projects; attestations; credits issued, split, sold and retired; a bond allocated to
    /// two categories; and one vintage with serials above Int64.max.
    init() throws {
        directory = try TemporaryDirectory()
        let chain = try QueryChain(directory: directory.path)
        let owner = chain.address(1)
        let registrations: [(Int, Payload)] = try (0..<10).map { index in
            (1, .registerProject(RegisterProject(
                projectID: try Identifier("p-\(index)"), name: try Text("Project \(index)", field: "name"),
                category: index % 2 == 0 ? .renewableEnergy : .greenBuildings, location: try Text("Site \(index)", field: "location"),
                owner: index < 7 ? owner : chain.address(2))))
        }
        try #require(try chain.commit(registrations).allSatisfy { $0 })
        let report = SHA256.hash(Array("report".utf8))
        try #require(try chain.commit([
            (2, .attestReduction(AttestReduction(projectID: "p-0", vintage: 2025, quantityKg: 1_000, reportDigest: report))),
            (2, .attestReduction(AttestReduction(projectID: "p-0", vintage: 2025, quantityKg: 500, reportDigest: report))),
            (0, .attestReduction(AttestReduction(projectID: "p-1", vintage: 2024, quantityKg: 300, reportDigest: report))),
            (2, .attestReduction(AttestReduction(projectID: "p-2", vintage: 2025, quantityKg: LedgerQueriesTests.huge, reportDigest: report))),
        ]).allSatisfy { $0 })
        try #require(try chain.commit([
            (0, .issueCredits(IssueCredits(projectID: "p-0", vintage: 2025, firstSerial: 1, quantity: 1_200, owner: owner))),
            (0, .issueCredits(IssueCredits(projectID: "p-2", vintage: 2025, firstSerial: 1, quantity: LedgerQueriesTests.huge, owner: owner))),
        ]).allSatisfy { $0 })
        let block0 = CreditBlockID(projectID: "p-0", vintage: 2025, firstSerial: 1)
        try #require(try chain.commit([
            (1, .transferCredits(TransferCredits(block: block0, quantity: 200, to: chain.address(0)))),  // 1–200 → member 0, 201–1200 stay
            (1, .retireCredits(RetireCredits(
                block: CreditBlockID(projectID: "p-0", vintage: 2025, firstSerial: 201), quantity: 100, beneficiary: "Acme Steel AG", reason: "2025 offset"))),
            // Split the huge block above Int64.max: serials 1…2^63+9 and 2^63+10…huge.
            (1, .transferCredits(TransferCredits(
                block: CreditBlockID(projectID: "p-2", vintage: 2025, firstSerial: 1), quantity: UInt64(Int64.max) + 9, to: chain.address(2)))),
        ]).allSatisfy { $0 })
        try #require(try chain.commit([
            (0, .retireCredits(RetireCredits(block: block0, quantity: 50, beneficiary: "City of Lyon", reason: "fleet"))),
            (0, .issueBond(IssueBond(bondID: "GB-1", currency: "EUR", faceValue: 1_000_000, termMonths: 60, eligibleCategories: [.renewableEnergy, .greenBuildings]))),
        ]).allSatisfy { $0 })
        try #require(try chain.commit([
            (0, .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "p-0", amount: 250_000))),
            (0, .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "p-2", amount: 100_000))),
            (0, .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "p-1", amount: 40_000))),
        ]).allSatisfy { $0 })
        self.chain = chain
        queries = try LedgerQueries(directory: directory.path)
    }

    /// Reads every page of a list with `limit`, bounded.
    func allPages<Item>(limit: Int, _ read: (QueryPage) throws -> Page<Item>) throws -> [Item] {
        var items: [Item] = []
        var after: String?
        for _ in 0..<1_000 {
            let page = try read(QueryPage(limit: limit, after: after))
            #expect(page.items.count <= limit)
            items += page.items
            guard let next = page.next else { return items }
            after = next
        }
        Issue.record("paging did not end")
        return items
    }

    @Test("projects filter by category and owner, and page with no duplicates or gaps")
    func projects() throws {
        let all = try queries.projects()
        #expect(all.items.map(\.projectID) == (0..<10).map { "p-\($0)" })
        #expect(all.height == chain.state.height && all.next == nil)
        for limit in [1, 3, 4] {
            #expect(try allPages(limit: limit) { try queries.projects(ProjectFilter(), $0) }.map(\.projectID) == all.items.map(\.projectID))
        }
        let renewable = try queries.projects(ProjectFilter(category: .renewableEnergy))
        #expect(renewable.items.map(\.projectID) == ["p-0", "p-2", "p-4", "p-6", "p-8"])
        let ownedBy2 = try queries.projects(ProjectFilter(category: .greenBuildings, owner: chain.address(2)))
        #expect(ownedBy2.items.map(\.projectID) == ["p-7", "p-9"])
        #expect(try allPages(limit: 1) { try queries.projects(ProjectFilter(owner: chain.address(1)), $0) }.count == 7)
    }

    @Test("a project with its vintages: attested, issued, retired and held kg, exactly")
    func projectDetail() throws {
        let detail = try #require(try queries.project("p-0").value)
        #expect(detail.project.owner == chain.address(1).description)
        #expect(detail.vintages == [VintageRecord(
            vintage: 2025, attestedKg: 1_500, revokedKg: 0, issuedKg: 1_200, retiredKg: 150, cancelledKg: 0, heldKg: 1_050, suspendedKg: 0,
            attestationCount: 2)])
        let huge = try #require(try queries.project("p-2").value)
        #expect(huge.vintages.first?.attestedKg == LedgerQueriesTests.huge)
        #expect(huge.vintages.first?.heldKg == LedgerQueriesTests.huge)
        #expect(try queries.project("nope").value == nil)
    }

    @Test("attestations filter by project, vintage and verifier")
    func attestations() throws {
        #expect(try queries.attestations().items.count == 4)
        let p0 = try queries.attestations(AttestationFilter(projectID: "p-0", vintage: 2025))
        #expect(p0.items.map(\.sequence) == [0, 1])
        #expect(p0.items.map(\.quantityKg) == [1_000, 500])
        let byVerifier0 = try queries.attestations(AttestationFilter(verifier: chain.address(0)))
        #expect(byVerifier0.items.map(\.projectID) == ["p-1"])
        #expect(try allPages(limit: 1) { try queries.attestations(AttestationFilter(verifier: chain.address(2)), $0) }.count == 3)
    }

    @Test("credit blocks by owner, project, status; amounts above Int64.max read back exactly")
    func credits() throws {
        let all = try queries.credits()
        let p0 = all.items.filter { $0.projectID == "p-0" }
        #expect(p0.map(\.firstSerial) == [1, 51, 201, 301])
        #expect(p0.map(\.lastSerial) == [50, 200, 300, 1_200])
        #expect(p0[0].retirement?.beneficiary == "City of Lyon" && p0[0].owner == chain.address(0).description)
        let p2 = all.items.filter { $0.projectID == "p-2" }
        let split = UInt64(Int64.max) + 10
        #expect(p2.map(\.firstSerial) == [1, split])
        #expect(p2.map(\.lastSerial) == [split - 1, LedgerQueriesTests.huge])
        #expect(p2.map(\.quantity) == [split - 1, LedgerQueriesTests.huge - split + 1])
        #expect(try allPages(limit: 1) { try queries.credits(CreditFilter(), $0) } == all.items)
        let held = try queries.credits(CreditFilter(owner: chain.address(1), status: .issued))
        #expect(held.items.map(\.firstSerial) == [301, split])
        let retired = try queries.credits(CreditFilter(projectID: "p-0", vintage: 2025, status: .retired))
        #expect(retired.items.map(\.firstSerial) == [1, 201])
    }

    @Test("serial finds the one block holding it, also above Int64.max; needs project and vintage")
    func serial() throws {
        func block(_ project: Identifier, _ serial: UInt64) throws -> UInt64? {
            try queries.credits(CreditFilter(projectID: project, vintage: 2025, serial: serial)).items.map(\.firstSerial).first
        }
        #expect(try block("p-0", 1) == 1)
        #expect(try block("p-0", 50) == 1)
        #expect(try block("p-0", 51) == 51)
        #expect(try block("p-0", 250) == 201)
        #expect(try block("p-0", 1_200) == 301)
        #expect(try block("p-0", 1_201) == nil)
        let split = UInt64(Int64.max) + 10
        #expect(try block("p-2", UInt64(Int64.max)) == 1)
        #expect(try block("p-2", split - 1) == 1)
        #expect(try block("p-2", split) == split)
        #expect(try block("p-2", LedgerQueriesTests.huge) == split)
        #expect(try block("p-2", UInt64.max) == nil)
        #expect(try queries.credits(CreditFilter(owner: chain.address(0), projectID: "p-0", vintage: 2025, serial: 250)).items.isEmpty)
        #expect(throws: QueryError.serialNeedsProjectAndVintage) { try queries.credits(CreditFilter(projectID: "p-0", serial: 5)) }
    }

    @Test("retirements in retirement order with beneficiary, reason, height and transaction")
    func retirements() throws {
        let all = try queries.retirements()
        #expect(all.items.map(\.firstSerial) == [201, 1])
        let first = try #require(all.items.first?.retirement)
        #expect(first.beneficiary == "Acme Steel AG" && first.reason == "2025 offset" && first.height == 4)
        #expect(first.transactionID.count == 64)
        #expect(try allPages(limit: 1) { try queries.retirements(RetirementFilter(), $0) } == all.items)
        #expect(try queries.retirements(RetirementFilter(beneficiary: "City of Lyon")).items.map(\.quantity) == [50])
        #expect(try queries.retirements(RetirementFilter(projectID: "p-2")).items.isEmpty)
    }

    @Test("bonds: face value, allocated, unallocated; allocations per project and totals per category")
    func bonds() throws {
        let list = try queries.bonds()
        #expect(list.items.map(\.bondID) == ["GB-1"])
        let detail = try #require(try queries.bond("GB-1").value)
        #expect(detail.bond.faceValue == 1_000_000 && detail.bond.allocated == 390_000 && detail.bond.unallocated == 610_000)
        #expect(detail.bond.eligibleCategories == ["renewable-energy", "green-buildings"])
        #expect(detail.allocations == [
            AllocationRecord(projectID: "p-0", category: "renewable-energy", amount: 250_000),
            AllocationRecord(projectID: "p-1", category: "green-buildings", amount: 40_000),
            AllocationRecord(projectID: "p-2", category: "renewable-energy", amount: 100_000),
        ])
        #expect(detail.categoryTotals == [
            CategoryAmount(category: "green-buildings", amount: 40_000), CategoryAmount(category: "renewable-energy", amount: 350_000),
        ])
        #expect(try queries.bond("GB-2").value == nil)
    }

    @Test("accounts with exact balances, blocks, and a sender's transactions in nonce order")
    func accountsBlocksTransactions() throws {
        let accounts = try queries.accounts()
        #expect(accounts.items.count == 3)
        let rich = try #require(accounts.items.first { $0.address == chain.address(0).description })
        // The genesis balance above Int64.max, less the 390 000 the bond allocations paid out.
        #expect(rich.balances == [CurrencyAmount(currency: "EUR", amount: UInt64.max - 7 - 390_000)])
        #expect(try allPages(limit: 2) { try queries.accounts($0) } == accounts.items)
        let blocks = try allPages(limit: 2) { try queries.blocks($0) }
        #expect(blocks.map(\.height) == Array(1...chain.state.height))
        #expect(blocks.map(\.transactionCount) == [10, 4, 2, 3, 2, 3])
        let sent = try allPages(limit: 2) { try queries.transactions(sender: chain.address(0), $0) }
        #expect(sent.map(\.nonce) == Array(1...8))
        #expect(sent.allSatisfy { $0.success })
        #expect(sent.map(\.kind).first == "attest-reduction")
    }

    @Test("a limit out of range and a damaged or foreign cursor are typed refusals")
    func refusals() throws {
        #expect(throws: QueryError.limitOutOfRange(given: 0)) { try queries.projects(ProjectFilter(), QueryPage(limit: 0)) }
        #expect(throws: QueryError.limitOutOfRange(given: 1_001)) { try queries.blocks(QueryPage(limit: 1_001)) }
        let cursor = try #require(try queries.projects(ProjectFilter(), QueryPage(limit: 1)).next)
        #expect(throws: QueryError.self) { try queries.bonds(QueryPage(after: cursor)) }
        #expect(throws: QueryError.self) { try queries.projects(ProjectFilter(), QueryPage(after: "%%%")) }
        #expect(throws: QueryError.self) { try queries.projects(ProjectFilter(), QueryPage(after: String(cursor.dropLast(3)))) }
    }

    @Test("queries from many tasks at once while blocks are committed see whole blocks")
    func concurrentReaders() async throws {
        let queries = self.queries
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<50 {
                        let page = try queries.blocks(QueryPage(limit: 1_000))
                        #expect(UInt64(page.items.count) == page.height)
                    }
                }
            }
            for index in 0..<5 {
                try chain.commit([(2, .transferFunds(TransferFunds(to: chain.address(0), currency: "EUR", amount: 0, category: .renewableEnergy, purpose: try Text("x\(index)", field: "purpose"))))])
            }
            try await group.waitForAll()
        }
        #expect(try queries.blocks().items.count == 11)
    }
}
