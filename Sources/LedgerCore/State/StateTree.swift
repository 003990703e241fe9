import LedgerCrypto

/// The authenticated index of the world state: a crit-bit (PATRICIA) Merkle tree over
/// leaves (SHA-256 of the key, SHA-256 of the value), ordered by key hash.
///
/// - leaf   = H(0x00 ‖ keyHash ‖ valueHash)
/// - branch = H(0x01 ‖ critical bit (u16) ‖ left ‖ right)
/// - empty  = `Digest.zero`
///
/// The shape depends only on the set of keys, never on the order they were written, so every
/// replica and every auditor replaying from genesis gets the same root. Setting or removing
/// one key touches O(depth) nodes (≈ log₂ of the key count), and only the dirty paths are
/// rehashed when the root is read: the cost of a block does not grow with history.
/// Owned by one `LedgerState`; not shared across threads.
final class StateTree {
    private final class Node {
        /// Leaves: the key's hash. Branches: unused.
        var keyHash: Digest
        var valueHash: Digest
        /// Branches: the critical bit index; leaves: -1.
        var criticalBit: Int
        var left: Node?
        var right: Node?
        var cachedHash: Digest?

        init(keyHash: Digest, valueHash: Digest) {
            self.keyHash = keyHash
            self.valueHash = valueHash
            criticalBit = -1
        }

        init(criticalBit: Int, left: Node, right: Node) {
            keyHash = .zero
            valueHash = .zero
            self.criticalBit = criticalBit
            self.left = left
            self.right = right
        }

        var isLeaf: Bool { criticalBit < 0 }

        func child(for key: Digest) -> Node {
            key.bit(criticalBit) ? right! : left!
        }
    }

    private var root: Node?
    private(set) var count = 0

    /// Inserts or replaces the leaf for `keyHash`.
    func set(keyHash: Digest, valueHash: Digest) {
        guard let root else {
            self.root = Node(keyHash: keyHash, valueHash: valueHash)
            count = 1
            return
        }
        var nearest = root
        while !nearest.isLeaf { nearest = nearest.child(for: keyHash) }
        guard let differingBit = nearest.keyHash.firstDifferingBit(from: keyHash) else {
            invalidatePath(to: keyHash)
            nearest.valueHash = valueHash
            nearest.cachedHash = nil
            return
        }
        let leaf = Node(keyHash: keyHash, valueHash: valueHash)
        // Descend to the first node whose critical bit comes after the differing bit: the
        // new branch goes above it.
        var parent: Node? = nil
        var current = root
        while !current.isLeaf, current.criticalBit < differingBit {
            current.cachedHash = nil
            parent = current
            current = current.child(for: keyHash)
        }
        let branch = keyHash.bit(differingBit)
            ? Node(criticalBit: differingBit, left: current, right: leaf)
            : Node(criticalBit: differingBit, left: leaf, right: current)
        if let parent {
            if keyHash.bit(parent.criticalBit) { parent.right = branch } else { parent.left = branch }
        } else {
            self.root = branch
        }
        count += 1
    }

    /// Removes the leaf for `keyHash`, if present.
    func remove(keyHash: Digest) {
        guard let root else { return }
        var grandparent: Node? = nil
        var parent: Node? = nil
        var current = root
        while !current.isLeaf {
            grandparent = parent
            parent = current
            current = current.child(for: keyHash)
        }
        guard current.keyHash == keyHash else { return }
        invalidatePath(to: keyHash)
        count -= 1
        guard let parent else {
            self.root = nil
            return
        }
        let sibling = keyHash.bit(parent.criticalBit) ? parent.left! : parent.right!
        if let grandparent {
            if keyHash.bit(grandparent.criticalBit) { grandparent.right = sibling } else { grandparent.left = sibling }
        } else {
            self.root = sibling
        }
    }

    /// The Merkle root, rehashing only nodes changed since the last call.
    var rootHash: Digest {
        guard let root else { return .zero }
        return hash(of: root)
    }

    private func invalidatePath(to keyHash: Digest) {
        var current = root
        while let node = current {
            node.cachedHash = nil
            current = node.isLeaf ? nil : node.child(for: keyHash)
        }
    }

    private func hash(of node: Node) -> Digest {
        if let cached = node.cachedHash { return cached }
        let result: Digest
        if node.isLeaf {
            result = StateTree.leafHash(keyHash: node.keyHash, valueHash: node.valueHash)
        } else {
            result = StateTree.branchHash(criticalBit: node.criticalBit, left: hash(of: node.left!), right: hash(of: node.right!))
        }
        node.cachedHash = result
        return result
    }

    static func leafHash(keyHash: Digest, valueHash: Digest) -> Digest {
        var bytes: [UInt8] = [0x00]
        bytes.reserveCapacity(65)
        bytes += keyHash.bytes
        bytes += valueHash.bytes
        return SHA256.hash(bytes)
    }

    static func branchHash(criticalBit: Int, left: Digest, right: Digest) -> Digest {
        var bytes: [UInt8] = [0x01, UInt8(criticalBit >> 8), UInt8(criticalBit & 0xff)]
        bytes.reserveCapacity(67)
        bytes += left.bytes
        bytes += right.bytes
        return SHA256.hash(bytes)
    }

    /// The root of a tree holding exactly `leaves`, computed from scratch. The reference the
    /// incremental tree is tested against.
    static func referenceRoot(of leaves: [(keyHash: Digest, valueHash: Digest)]) -> Digest {
        let sorted = leaves.sorted { $0.keyHash < $1.keyHash }
        guard !sorted.isEmpty else { return .zero }
        return referenceRoot(sorted[...], fromBit: 0)
    }

    private static func referenceRoot(_ leaves: ArraySlice<(keyHash: Digest, valueHash: Digest)>, fromBit: Int) -> Digest {
        if leaves.count == 1 { return leafHash(keyHash: leaves.first!.keyHash, valueHash: leaves.first!.valueHash) }
        // The critical bit is where the first and last (sorted) keys first differ.
        let bit = leaves.first!.keyHash.firstDifferingBit(from: leaves.last!.keyHash)!
        let split = leaves.firstIndex { $0.keyHash.bit(bit) }!
        return branchHash(
            criticalBit: bit, left: referenceRoot(leaves[..<split], fromBit: bit + 1),
            right: referenceRoot(leaves[split...], fromBit: bit + 1))
    }
}
