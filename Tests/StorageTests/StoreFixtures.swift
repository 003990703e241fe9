import Foundation
import LedgerCore
import LedgerCrypto
@testable import Audit
@testable import Storage

/// A directory under the system temporary folder, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A synthetic chain of `blocks` blocks with `perBlock` transfers each, in a fresh directory.
func makeChain(blocks: Int, perBlock: Int = 3, in directory: TemporaryDirectory) throws -> SyntheticChain {
    let chain = try SyntheticChain(directory: directory.path, validators: 4, members: 6)
    for height in 1...blocks {
        let transactions = try (0..<perBlock).map { index in
            try chain.transfer(from: (height + index) % 6, to: (height + index + 1) % 6, amount: UInt64(100 + index),
                               category: index % 2 == 0 ? .renewableEnergy : .cleanTransportation)
        }
        try chain.append(transactions)
    }
    return chain
}

/// Runs SQL directly against a store's database file, as a tamperer would.
func tamper(_ directory: TemporaryDirectory, _ sql: String, _ values: [SQLiteValue] = []) throws {
    let database = try SQLiteDatabase(path: (directory.path as NSString).appendingPathComponent(LedgerStore.fileName))
    try database.query(sql, values)
}

func readBlob(_ directory: TemporaryDirectory, _ column: String, height: UInt64) throws -> [UInt8] {
    let database = try SQLiteDatabase(path: (directory.path as NSString).appendingPathComponent(LedgerStore.fileName))
    return try database.query("SELECT \(column) FROM blocks WHERE height = ?", [.integer(Int64(height))]).first?.first?.blob ?? []
}

func audit(_ directory: TemporaryDirectory, genesis: Genesis) async throws -> AuditReport {
    await ChainAuditor(genesis: genesis).audit(try LedgerStore.openForAudit(directory: directory.path))
}
