import LedgerCore
import LedgerCrypto

/// A slow disk: the host makes a step's journal records durable before its messages leave, so
/// a slow fsync delays everything the node sends; and its bounded send queue per peer fills,
/// so messages beyond the bound are dropped (a real host drops the oldest, or the link; either
/// way they are lost, and the protocol's re-sends must make up for it).
extension Simulation {
    static let sendQueueMax = 16

    /// Slows one honest node's disk for 1–4 s (100–800 ms per write); again every 2–6 s until the
    /// faults stop.
    func slowDownDisk() {
        guard !healed else { return }
        queue.push(.slowDisk, at: now + 2_000 + random.below(4_000))
        let candidates = honestNodes.filter { nodes[$0].up && nodes[$0].slowDiskUntil <= now }
        guard !candidates.isEmpty else { return }
        let node = candidates[Int(random.below(UInt64(candidates.count)))]
        nodes[node].slowDiskMillis = 100 + random.below(700)
        nodes[node].slowDiskUntil = now + 1_000 + random.below(3_000)
        result.slowDiskPhases += 1
        trace.line("t=\(now) n\(node)'s disk slow: \(nodes[node].slowDiskMillis) ms per write until t=\(nodes[node].slowDiskUntil)", keep: options.trace)
    }

    /// True if the node's send queue to `target` has room for a message delivered at
    /// `deliveryAt`; counts an overflow otherwise.
    func enqueueSend(from node: Int, to target: Int, deliveryAt: UInt64) -> Bool {
        var queued = nodes[node].sendQueues[target, default: []].filter { $0 > now }
        guard queued.count < Simulation.sendQueueMax else {
            result.sendQueueOverflows += 1
            return false
        }
        queued.append(deliveryAt)
        nodes[node].sendQueues[target] = queued
        return true
    }
}
