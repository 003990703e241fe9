import Audit
import LedgerCore
import LedgerCrypto
@testable import Storage
import Testing

@Suite("Equivocation evidence is stored once per validator, kind, view and height")
struct EvidenceStoreTests {
    func item(validator: UInt16, kind: String = "PREPARE", view: UInt64 = 0, height: UInt64, seen: UInt64) -> StoredEvidence {
        StoredEvidence(
            validator: validator, kind: kind, view: view, height: height,
            first: SHA256.hash(Array("a\(height)".utf8)), second: SHA256.hash(Array("b\(height)".utf8)), seenMillis: seen)
    }

    @Test("a new piece is stored, the same one again is not, and listing is newest first and filters by validator")
    func storesOnceAndLists() throws {
        let parent = try TemporaryDirectory()
        let chain = try SyntheticChain(directory: parent.path + "/source", validators: 4, members: 3)
        let store = try LedgerStore(directory: parent.path + "/data", genesis: chain.genesis)
        #expect(try store.recordEvidence(item(validator: 3, height: 5, seen: 100)))
        #expect(try !store.recordEvidence(item(validator: 3, height: 5, seen: 200)), "the same equivocation twice")
        #expect(try store.recordEvidence(item(validator: 3, kind: "COMMIT", height: 5, seen: 300)))
        #expect(try store.recordEvidence(item(validator: 1, height: 9, seen: 400)))
        let all = try store.evidence()
        #expect(all.map(\.seenMillis) == [400, 300, 100])
        #expect(all.first == item(validator: 1, height: 9, seen: 400))
        #expect(try store.evidence(validator: 3).map(\.kind) == ["COMMIT", "PREPARE"])
        #expect(try store.evidence(limit: 1).count == 1)
        // It survives a reopen: the node lists what it saw before a restart.
        let reopened = try LedgerStore(directory: parent.path + "/data", genesis: chain.genesis)
        #expect(try reopened.evidence().count == 3)
    }
}
