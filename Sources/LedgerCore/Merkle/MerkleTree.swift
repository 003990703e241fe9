import LedgerCrypto

/// A binary Merkle tree over digests (transaction ids, receipt hashes).
/// leaf = H(0x00 ‖ item), node = H(0x01 ‖ left ‖ right). A level with an odd count promotes
/// its last node unchanged rather than duplicating it, so [a,b,c] and [a,b,c,c] differ.
/// The root of no items is `Digest.zero`.
public enum MerkleTree {
    static let leafPrefix: UInt8 = 0x00
    static let nodePrefix: UInt8 = 0x01

    public static func root(of items: [Digest]) -> Digest {
        guard !items.isEmpty else { return .zero }
        var level = items.map(leafHash)
        while level.count > 1 { level = parentLevel(level) }
        return level[0]
    }

    /// The proof that `items[index]` is in the tree of `items`.
    public static func proof(of index: Int, in items: [Digest]) -> MerkleProof? {
        guard items.indices.contains(index) else { return nil }
        var level = items.map(leafHash)
        var position = index
        var siblings: [Digest] = []
        while level.count > 1 {
            let sibling = position ^ 1
            if sibling < level.count { siblings.append(level[sibling]) }
            level = parentLevel(level)
            position /= 2
        }
        return MerkleProof(index: UInt32(index), leafCount: UInt32(items.count), siblings: siblings)
    }

    static func leafHash(_ item: Digest) -> Digest {
        item.withUnsafeBytes { itemBytes in
            SHA256.hash { update in
                withUnsafeBytes(of: leafPrefix) { update($0) }
                update(itemBytes)
            }
        }
    }

    static func nodeHash(_ left: Digest, _ right: Digest) -> Digest {
        left.withUnsafeBytes { leftBytes in
            right.withUnsafeBytes { rightBytes in
                SHA256.hash { update in
                    withUnsafeBytes(of: nodePrefix) { update($0) }
                    update(leftBytes)
                    update(rightBytes)
                }
            }
        }
    }

    private static func parentLevel(_ level: [Digest]) -> [Digest] {
        var parents: [Digest] = []
        parents.reserveCapacity((level.count + 1) / 2)
        var index = 0
        while index + 1 < level.count {
            parents.append(nodeHash(level[index], level[index + 1]))
            index += 2
        }
        if index < level.count { parents.append(level[index]) }
        return parents
    }
}

/// A standalone inclusion proof: enough, with the item and the root, to check membership
/// without the other items. Levels where the path node was promoted have no sibling.
public struct MerkleProof: Hashable, Sendable {
    public static let siblingsMax = 32
    public let index: UInt32
    public let leafCount: UInt32
    public let siblings: [Digest]

    public init(index: UInt32, leafCount: UInt32, siblings: [Digest]) {
        self.index = index
        self.leafCount = leafCount
        self.siblings = siblings
    }

    /// True when `item` at `index` of a `leafCount`-item tree hashes up to `root`.
    public func verifies(item: Digest, root: Digest) -> Bool {
        guard leafCount > 0, index < leafCount else { return false }
        var hash = MerkleTree.leafHash(item)
        var position = Int(index)
        var count = Int(leafCount)
        var remaining = siblings[...]
        while count > 1 {
            let sibling = position ^ 1
            if sibling < count {
                guard let next = remaining.popFirst() else { return false }
                hash = position % 2 == 0 ? MerkleTree.nodeHash(hash, next) : MerkleTree.nodeHash(next, hash)
            }
            position /= 2
            count = (count + 1) / 2
        }
        return remaining.isEmpty && hash == root
    }
}

extension MerkleProof: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(index)
        writer.write(leafCount)
        writer.write(siblings, maximum: MerkleProof.siblingsMax)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        index = try reader.readUInt32("proof index")
        leafCount = try reader.readUInt32("proof leaf count")
        siblings = try reader.readArray(of: Digest.self, maximum: MerkleProof.siblingsMax, "proof siblings")
    }
}
