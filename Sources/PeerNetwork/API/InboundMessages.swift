import Synchronization

/// Authenticated messages in arrival order, as `PeerNetwork.messages` hands them to the node.
/// Each peer may have at most `InboundByteBudget.perPeerMaxBytes` of them waiting: what the node
/// takes out frees its sender's share, so a faulty validator flooding 4 MiB messages fills its
/// own share and then loses its messages, not the node's memory (attack F3).
public struct InboundMessages: AsyncSequence, Sendable {
    public typealias Element = InboundMessage

    let stream: AsyncStream<InboundMessage>
    let budget: InboundByteBudget

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncStream<InboundMessage>.AsyncIterator
        let budget: InboundByteBudget

        public mutating func next() async -> InboundMessage? {
            guard let message = await inner.next() else { return nil }
            budget.release(message.payload.count, from: message.sender)
            return message
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> InboundMessage? {
            guard let message = await inner.next(isolation: actor) else { return nil }
            budget.release(message.payload.count, from: message.sender)
            return message
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: stream.makeAsyncIterator(), budget: budget)
    }
}

/// Bytes of each peer's messages waiting for the node: reserved by the event loop before a
/// message is queued, released by the reader when it takes it.
final class InboundByteBudget: Sendable {
    let perPeerMaxBytes: Int
    private let queued: Mutex<[Int: Int]>

    init(perPeerMaxBytes: Int) {
        self.perPeerMaxBytes = perPeerMaxBytes
        queued = Mutex([:])
    }

    /// True, and reserved, when `bytes` more from `peer` fit its share.
    func reserve(_ bytes: Int, from peer: Int) -> Bool {
        queued.withLock { queued in
            let current = queued[peer, default: 0]
            guard current + bytes <= perPeerMaxBytes else { return false }
            queued[peer] = current + bytes
            return true
        }
    }

    func release(_ bytes: Int, from peer: Int) {
        queued.withLock { queued in queued[peer] = max(0, queued[peer, default: 0] - bytes) }
    }

    func queuedBytes(from peer: Int) -> Int { queued.withLock { $0[peer, default: 0] } }
}
