import LedgerCrypto
import Testing
@testable import LedgerCore

@Suite("Merkle tree and inclusion proofs")
struct MerkleTests {
    static func items(_ count: Int) -> [Digest] {
        (0..<count).map { SHA256.hash([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
    }

    @Test("every leaf of trees of size 1…33 has a proof that verifies", arguments: 1...33)
    func proofsForEveryLeaf(size: Int) throws {
        let items = MerkleTests.items(size)
        let root = MerkleTree.root(of: items)
        for index in 0..<size {
            let proof = try #require(MerkleTree.proof(of: index, in: items))
            #expect(proof.verifies(item: items[index], root: root))
            #expect(!proof.verifies(item: SHA256.hash([0xEE]), root: root))
            if size > 1 {
                let other = (index + 1) % size
                #expect(!proof.verifies(item: items[other], root: root))
            }
        }
    }

    @Test("[a,b,c] and [a,b,c,c] have different roots")
    func oddNodePromotedNotDuplicated() {
        let items = MerkleTests.items(3)
        #expect(MerkleTree.root(of: items) != MerkleTree.root(of: items + [items[2]]))
    }

    @Test("a leaf can never pose as an inner node")
    func domainSeparation() {
        let items = MerkleTests.items(2)
        let root = MerkleTree.root(of: items)
        #expect(MerkleTree.root(of: [root]) != root)
        #expect(MerkleTree.root(of: []) == .zero)
    }

    @Test("a proof with a wrong index, count or extra sibling fails")
    func tamperedProofs() throws {
        let items = MerkleTests.items(7)
        let root = MerkleTree.root(of: items)
        let proof = try #require(MerkleTree.proof(of: 4, in: items))
        #expect(!MerkleProof(index: 5, leafCount: 7, siblings: proof.siblings).verifies(item: items[4], root: root))
        // The root does not commit to the leaf count (the header's transactionCount does), but a
        // wrong count changes which levels have a sibling for the promoted last leaf.
        let last = try #require(MerkleTree.proof(of: 6, in: items))
        #expect(last.verifies(item: items[6], root: root))
        #expect(!MerkleProof(index: 6, leafCount: 8, siblings: last.siblings).verifies(item: items[6], root: root))
        #expect(!MerkleProof(index: 4, leafCount: 7, siblings: proof.siblings + [root]).verifies(item: items[4], root: root))
        #expect(!MerkleProof(index: 9, leafCount: 7, siblings: proof.siblings).verifies(item: items[4], root: root))
        #expect(MerkleTree.proof(of: 7, in: items) == nil)
    }
}
