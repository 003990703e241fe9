import LedgerCrypto
import Synchronization

/// A signature verifier that remembers what it already accepted, so a transaction's signature
/// is checked once per node — at admission to the mempool — and not again when the same
/// transaction arrives inside a PRE-PREPARE. Bounded: the oldest entries make room.
public final class VerifiedSignatureCache: SignatureVerifier {
    private struct Entry: Hashable {
        let digest: Digest
        let signature: Signature
        let publicKey: PublicKey
    }

    private struct Entries {
        var set = Set<Entry>()
        var order: [Entry] = []
        var next = 0
    }

    private let capacity: Int
    private let entries = Mutex(Entries())
    private let underlying = P256Verifier()
    private let verifications = Atomic<UInt64>(0)
    private let hits = Atomic<UInt64>(0)

    public init(capacity: Int = 200_000) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public func isValidSignature(_ signature: Signature, digest: Digest, publicKey: PublicKey) -> Bool {
        let entry = Entry(digest: digest, signature: signature, publicKey: publicKey)
        if entries.withLock({ $0.set.contains(entry) }) {
            hits.add(1, ordering: .relaxed)
            return true
        }
        verifications.add(1, ordering: .relaxed)
        guard underlying.isValidSignature(signature, digest: digest, publicKey: publicKey) else { return false }
        entries.withLock { entries in
            guard entries.set.insert(entry).inserted else { return }
            if entries.order.count < capacity {
                entries.order.append(entry)
            } else {
                entries.set.remove(entries.order[entries.next])
                entries.order[entries.next] = entry
                entries.next = (entries.next + 1) % capacity
            }
        }
        return true
    }

    public var count: Int { entries.withLock { $0.set.count } }

    /// ECDSA verifications computed (valid or not) since start.
    public var verificationCount: UInt64 { verifications.load(ordering: .relaxed) }
    /// Checks answered from the cache, without ECDSA.
    public var hitCount: UInt64 { hits.load(ordering: .relaxed) }
}
