import LedgerCrypto
import Synchronization

/// A signature verifier that remembers its answers, so a transaction's signature is checked
/// once per node — at admission to the mempool, or ahead of the replica by
/// `Replica.signaturePrecheck` — and not again when the same transaction arrives inside a
/// PRE-PREPARE or is checked again by the replica. Invalid answers are remembered too (in a
/// smaller ring): a bad signature checked ahead of the replica is not verified a second time
/// when the replica checks it. An answer is a fact about (digest, signature, key), so caching
/// either kind cannot change a decision. Bounded: the oldest entries make room.
public final class VerifiedSignatureCache: SignatureVerifier {
    struct Entry: Hashable {
        let digest: Digest
        let signature: Signature
        let publicKey: PublicKey
    }

    /// A set of at most `capacity` entries; the oldest goes first.
    struct Ring {
        let capacity: Int
        var set = Set<Entry>()
        var order: [Entry] = []
        var next = 0

        mutating func insert(_ entry: Entry) {
            guard set.insert(entry).inserted else { return }
            if order.count < capacity {
                order.append(entry)
            } else {
                set.remove(order[next])
                order[next] = entry
                next = (next + 1) % capacity
            }
        }
    }

    private struct Entries {
        var valid: Ring
        var invalid: Ring
    }

    private let entries: Mutex<Entries>
    private let underlying = P256Verifier()
    private let verifications = Atomic<UInt64>(0)
    private let hits = Atomic<UInt64>(0)

    public init(capacity: Int = 200_000, invalidCapacity: Int = 16_384) {
        precondition(capacity > 0 && invalidCapacity > 0)
        entries = Mutex(Entries(valid: Ring(capacity: capacity), invalid: Ring(capacity: invalidCapacity)))
    }

    public func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool {
        let entry = Entry(digest: digest, signature: signature, publicKey: publicKey)
        let known: Bool? = entries.withLock { entries in
            if entries.valid.set.contains(entry) { return true }
            if entries.invalid.set.contains(entry) { return false }
            return nil
        }
        if let known {
            hits.add(1, ordering: .relaxed)
            return known
        }
        verifications.add(1, ordering: .relaxed)
        let valid = underlying.isValidSignature(signature, digest: digest, publicKey: publicKey)
        entries.withLock { entries in
            if valid { entries.valid.insert(entry) } else { entries.invalid.insert(entry) }
        }
        return valid
    }

    public var count: Int { entries.withLock { $0.valid.set.count } }

    /// ECDSA verifications computed (valid or not) since start.
    public var verificationCount: UInt64 { verifications.load(ordering: .relaxed) }
    /// Checks answered from the cache, without ECDSA.
    public var hitCount: UInt64 { hits.load(ordering: .relaxed) }
}
