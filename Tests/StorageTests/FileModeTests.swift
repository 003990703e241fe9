import Audit
import Foundation
import LedgerCore
@testable import Storage
import Testing

/// Under umask 000 the data directory was 0777 and the database 0666: anyone on the host could
/// read the ledger and the journal of the validator's votes.
@Suite("File modes do not depend on the umask")
struct FileModeTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("the data directory is 0700 and the database with its WAL files 0600, even under umask 000")
    func dataDirectoryIsPrivate() throws {
        let parent = try TemporaryDirectory()
        let directory = parent.path + "/data"
        let previous = umask(0)
        defer { umask(previous) }
        let chain = try SyntheticChain(directory: parent.path + "/source", validators: 4, members: 3)
        let store = try LedgerStore(directory: directory, genesis: chain.genesis)
        _ = store
        #expect(try mode(directory) == 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: directory + "/ledger.sqlite" + suffix) {
            #expect(try mode(directory + "/ledger.sqlite" + suffix) == 0o600, "ledger.sqlite\(suffix)")
        }
    }

    @Test("a private file made before any write is 0600 under umask 000, and an existing file is kept")
    func privateFile() throws {
        let parent = try TemporaryDirectory()
        let previous = umask(0)
        defer { umask(previous) }
        let path = parent.path + "/journal"
        try FileModes.createPrivateFileIfMissing(path)
        #expect(try mode(path) == 0o600)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: path))
        try FileModes.createPrivateFileIfMissing(path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept")
    }
}
