import COpenSSL
import Synchronization

/// Parsed OpenSSL public keys by compressed point. Decompressing and validating a point
/// costs more than a signature check, and a ledger sees the same few hundred member keys
/// again and again. Bounded: at `capacity` the oldest entry makes room.
final class PublicKeyCache: Sendable {
    static let shared = PublicKeyCache(capacity: 16_384)

    private struct Entries {
        var keys: [[UInt8]: OpenSSLKeyBox] = [:]
        var insertionOrder: [[UInt8]] = []
        var oldestIndex = 0
    }

    private let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    func key(for compressed: [UInt8]) throws(CryptoError) -> OpenSSLKeyBox {
        if let cached = entries.withLock({ $0.keys[compressed] }) { return cached }
        let parsed = compressed.withUnsafeBufferPointer { gl_p256_public_from_octets($0.baseAddress, $0.count) }
        guard let parsed else {
            throw .invalidPublicKey(reason: "not a point on P-256 (\(drainOpenSSLErrors()))")
        }
        let box = OpenSSLKeyBox(parsed)
        insert(box, for: compressed)
        return box
    }

    func insert(_ box: OpenSSLKeyBox, for compressed: [UInt8]) {
        entries.withLock { entries in
            guard entries.keys[compressed] == nil else { return }
            if entries.insertionOrder.count < capacity {
                entries.insertionOrder.append(compressed)
            } else {
                entries.keys[entries.insertionOrder[entries.oldestIndex]] = nil
                entries.insertionOrder[entries.oldestIndex] = compressed
                entries.oldestIndex = (entries.oldestIndex + 1) % capacity
            }
            entries.keys[compressed] = box
        }
    }

    var count: Int { entries.withLock { $0.keys.count } }
}
