import Foundation
import LedgerCore
import LedgerCrypto
import Testing
@testable import Audit
@testable import Storage

@Suite("Ledger store on SQLite")
struct LedgerStoreTests {
    @Test("reopening restores exactly the state of the last committed block")
    func reopenEqualsBeforeClose() throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 6, in: directory)
        // Some records of every kind, so every table takes part.
        try chain.append([
            try chain.transaction(from: 0, .registerProject(RegisterProject(projectID: "p-1", name: "Wind park", category: .renewableEnergy, location: "Inner Mongolia", owner: chain.memberKeys[1].publicKey.address))),
            try chain.transaction(from: 2, .issueBond(IssueBond(bondID: "GB-1", currency: "EUR", faceValue: 5_000, termMonths: 36, eligibleCategories: [.renewableEnergy]))),
        ])
        try chain.append([try chain.transaction(from: 2, .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "p-1", amount: 1_200)))])
        let before = chain.state
        let reopened = try LedgerStore(directory: directory.path, genesis: chain.genesis)
        #expect(reopened.height == 8)
        let restored = try reopened.loadState()
        #expect(restored.height == before.height)
        #expect(restored.stateRoot == before.stateRoot)
        #expect(restored.lastBlockHash == before.lastBlockHash)
        #expect(restored.allKeys == before.allKeys)
        #expect(restored.bonds["GB-1"]?.allocated == 1_200)
        #expect(restored.expectedRoots(forHeaderAt: 9) == before.expectedRoots(forHeaderAt: 9))
        // The restored state accepts the next block exactly as the live one would.
        let stored = try #require(try reopened.block(at: 8))
        #expect(stored.block.hash == before.lastBlockHash)
        #expect(stored.rootsAfter.stateRoot == before.stateRoot)
    }

    @Test("a failure in the middle of a block leaves the previous block's state intact and reopenable")
    func atomicity() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 3, in: directory)
        let rootBefore = chain.state.stateRoot
        let block = Block(
            chainID: chain.genesis.chainID, height: 4, parentHash: chain.state.lastBlockHash, timestampMillis: chain.state.lastTimestampMillis + 1,
            transactions: try (0..<5).map { try chain.transfer(from: $0, to: $0 + 1, amount: 7) },
            stateRoot: chain.state.expectedRoots(forHeaderAt: 4)!.stateRoot, receiptsRoot: chain.state.expectedRoots(forHeaderAt: 4)!.receiptsRoot)
        let certificate = try chain.certify(block)
        // Execute on a separate replica, so the chain's own state stays at height 3.
        let replica = try LedgerStore(directory: directory.path, genesis: chain.genesis).loadState()
        let execution = try replica.apply(block, verifier: nil)
        for failAfter in [0, 1, 4, 9] {
            chain.store.failureInjection = .init(statementsBeforeFailure: failAfter)
            #expect(throws: StorageError.injectedFailure("statement \(failAfter + 1)")) {
                try chain.store.commit(block: block, certificate: certificate, execution: execution)
            }
            let reopened = try LedgerStore(directory: directory.path, genesis: chain.genesis)
            #expect(reopened.height == 3)
            #expect(try reopened.loadState().stateRoot == rootBefore)
            #expect(try reopened.block(at: 4) == nil)
            #expect(try reopened.location(of: block.transactions[0].id) == nil)
        }
        chain.store.failureInjection = nil
        try chain.store.commit(block: block, certificate: certificate, execution: execution)
        #expect(try LedgerStore(directory: directory.path, genesis: chain.genesis).loadState().stateRoot == execution.roots.stateRoot)
        #expect(try await audit(directory, genesis: chain.genesis).passed)
    }

    @Test("a data directory from another genesis is refused with a clear error")
    func otherGenesisRefused() throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 1, in: directory)
        var other = chain.genesis
        other.genesisTimeMillis += 1
        #expect(throws: StorageError.otherChain(storedGenesis: chain.genesis.hash.hex, expectedGenesis: other.hash.hex)) {
            try LedgerStore(directory: directory.path, genesis: other)
        }
    }

    @Test("a data directory of another schema version is refused")
    func otherSchemaRefused() throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 1, in: directory)
        try tamper(directory, "UPDATE meta SET value = ? WHERE key = 'schema_version'", [.blob(Array("99".utf8))])
        #expect(throws: StorageError.schemaVersion(found: 99, supported: Schema.version)) {
            try LedgerStore(directory: directory.path, genesis: chain.genesis)
        }
    }

    @Test("journal records survive a reopen, in order, and truncate up to a sequence")
    func journal() throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 1, in: directory)
        let first = try chain.store.appendJournal([[1, 2], [3]])
        let last = try chain.store.appendJournal([[4, 5, 6]])
        #expect(last == first + 1)
        let reopened = try LedgerStore(directory: directory.path, genesis: chain.genesis)
        #expect(try reopened.journal().map(\.record) == [[1, 2], [3], [4, 5, 6]])
        try reopened.truncateJournal(through: first)
        #expect(try reopened.journal().map(\.record) == [[4, 5, 6]])
        #expect(try reopened.journal(after: last).isEmpty)
        try reopened.replaceJournal(with: [[9], [8, 7]])
        #expect(try LedgerStore(directory: directory.path, genesis: chain.genesis).journal().map(\.record) == [[9], [8, 7]])
    }

    @Test("blocks must be stored in height order")
    func heightOrder() throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 2, in: directory)
        let stored = try #require(try chain.store.block(at: 2))
        let execution = BlockExecution(height: 2, blockHash: stored.block.hash, receipts: [], roots: stored.rootsAfter, changes: [])
        #expect(throws: StorageError.notNextBlock(expected: 3, got: 2)) {
            try chain.store.commit(block: stored.block, certificate: stored.certificate, execution: execution)
        }
    }

    @Test("a version-1 store audits as it is, then is migrated to version 2 in place when a node opens it")
    func versionOneMigrates() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 3, in: directory)
        try chain.append([
            try chain.transaction(from: 0, .registerProject(RegisterProject(projectID: "p-1", name: "Wind park", category: .renewableEnergy, location: "Inner Mongolia", owner: chain.memberKeys[1].publicKey.address))),
        ])
        let root = chain.state.stateRoot
        // Take the store back to what version 1 wrote: the columns version 2 added, gone.
        try tamper(directory, "DROP INDEX credit_blocks_by_hold")
        for (table, column) in Schema.addedInVersion2 {
            try tamper(directory, "ALTER TABLE \(table) DROP COLUMN \(column.split(separator: " ")[0])")
        }
        try tamper(directory, "UPDATE meta SET value = ? WHERE key = 'schema_version'", [.blob(Array("1".utf8))])
        let before = try await audit(directory, genesis: chain.genesis)
        #expect(before.passed && before.stateTablesChecked, "\(before)")

        let reopened = try LedgerStore(directory: directory.path, genesis: chain.genesis)
        #expect(try reopened.loadState().stateRoot == root)
        let database = try SQLiteDatabase(path: (directory.path as NSString).appendingPathComponent(LedgerStore.fileName))
        #expect(try database.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.blob == Array("2".utf8))
        let row = try database.query("SELECT project_id, host_country, methodology, program FROM projects").first
        #expect(row == [.text("p-1"), .null, .null, .null])
        let after = try await audit(directory, genesis: chain.genesis)
        #expect(after.passed && after.stateTablesChecked, "\(after)")
    }

    @Test("the state tables show what an auditor expects")
    func queryableTables() throws {
        let directory = try TemporaryDirectory()
        _ = try makeChain(blocks: 2, perBlock: 1, in: directory)
        let database = try SQLiteDatabase(path: (directory.path as NSString).appendingPathComponent(LedgerStore.fileName))
        let total = try database.query("SELECT SUM(amount) FROM balances WHERE currency = 'EUR'").first?.first
        #expect(total == .integer(6_000_000_000_000), "\(String(describing: total))")
        let accounts = try database.query("SELECT COUNT(*) FROM accounts").first?.first?.integer
        #expect(accounts == 6)
        let kinds = try database.query("SELECT DISTINCT kind FROM transactions").compactMap { $0.first?.text }
        #expect(kinds == ["transfer-funds"])
    }
}
