import LedgerCrypto
import Testing
@testable import LedgerCore

@Suite("State tree (crit-bit Merkle)")
struct StateTreeTests {
    @Test("incremental root equals the from-scratch reference after random inserts, updates and removals")
    func matchesReference() {
        var generator = SeededGenerator(seed: 7)
        let tree = StateTree()
        var contents: [Digest: Digest] = [:]
        for step in 0..<600 {
            let key = SHA256.hash([UInt8.random(in: 0...120, using: &generator)])
            if Bool.random(using: &generator) || contents.isEmpty {
                let value = SHA256.hash([UInt8(truncatingIfNeeded: step), 1])
                tree.set(keyHash: key, valueHash: value)
                contents[key] = value
            } else {
                tree.remove(keyHash: key)
                contents[key] = nil
            }
            if step % 25 == 0 {
                #expect(tree.rootHash == StateTree.referenceRoot(of: contents.map { ($0.key, $0.value) }))
                #expect(tree.count == contents.count)
            }
        }
        #expect(tree.rootHash == StateTree.referenceRoot(of: contents.map { ($0.key, $0.value) }))
    }

    @Test("the root depends on the set of leaves, not the order they were written")
    func historyIndependent() {
        let leaves = (0..<50).map { (SHA256.hash([UInt8($0)]), SHA256.hash([UInt8($0), 9])) }
        let forward = StateTree()
        for (key, value) in leaves { forward.set(keyHash: key, valueHash: value) }
        let backward = StateTree()
        for (key, value) in leaves.reversed() { backward.set(keyHash: key, valueHash: value) }
        backward.set(keyHash: SHA256.hash([200]), valueHash: .zero)
        backward.remove(keyHash: SHA256.hash([200]))
        #expect(forward.rootHash == backward.rootHash)
        #expect(forward.rootHash != .zero)
    }

    @Test("changing one value changes the root; removing everything empties it")
    func sensitivity() {
        let tree = StateTree()
        let key = SHA256.hash([1])
        tree.set(keyHash: key, valueHash: SHA256.hash([2]))
        tree.set(keyHash: SHA256.hash([3]), valueHash: SHA256.hash([4]))
        let before = tree.rootHash
        tree.set(keyHash: key, valueHash: SHA256.hash([5]))
        #expect(tree.rootHash != before)
        tree.remove(keyHash: key)
        tree.remove(keyHash: SHA256.hash([3]))
        #expect(tree.rootHash == .zero)
        #expect(tree.count == 0)
    }
}
