import LedgerCore
import LedgerCrypto

/// Every tick, every honest replica that is up stays within the bounds its code promises, whatever
/// the faulty validators send. The maxima go into the result (and the seed runs' figures).
extension Simulation {
    func checkBounds() {
        for node in honestNodes where nodes[node].up {
            for problem in Simulation.boundProblems(nodes[node].replica, maxima: &result.bounds) {
                violation("bound: n\(node) \(problem)")
            }
        }
    }

    /// What is over its bound in one replica, in words; updates the maxima seen.
    static func boundProblems(_ replica: Replica, maxima: inout BoundMaxima) -> [String] {
        var problems: [String] = []
        let count = replica.config.count
        // Future buffer: each sender within its share.
        let share = FutureBuffer.perSenderCountMax(validatorCount: count)
        var perSender: [UInt16: Int] = [:]
        for entry in replica.futureMessages.entries { perSender[entry.envelope.sender, default: 0] += 1 }
        if let (sender, held) = perSender.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            maxima.futureBufferPerSender = max(maxima.futureBufferPerSender, held)
            if held > share { problems.append("future buffer holds \(held) messages from validator \(sender), above its share \(share)") }
        }
        // Mempool: each origin within its capacity.
        maxima.mempool = max(maxima.mempool, replica.mempool.count)
        for origin in 0..<UInt16(count) where replica.mempool.count(from: origin) > replica.mempool.capacity(for: origin) {
            problems.append("mempool holds \(replica.mempool.count(from: origin)) transactions from \(origin), above \(replica.mempool.capacity(for: origin))")
        }
        // Vote tables: at most `viewsPerSenderHeightMax` views per sender and height, nothing at or
        // below the stable checkpoint.
        for (name, table) in [("PREPARE", replica.prepares), ("COMMIT", replica.commits)] {
            let shape = table.shape
            maxima.votesPerSender = max(maxima.votesPerSender, shape.votesPerSenderMax)
            if shape.viewsPerSenderHeightMax > VoteTable.viewsPerSenderHeightMax {
                problems.append("\(name) table keeps \(shape.viewsPerSenderHeightMax) views of one sender at one height")
            }
            if let lowest = shape.lowestHeight, lowest <= replica.lowWatermark {
                problems.append("\(name) table keeps height \(lowest), at or below the stable checkpoint \(replica.lowWatermark)")
            }
        }
        // Block bodies: none at or below the stable checkpoint (the host's store keeps those).
        maxima.blockBodies = max(maxima.blockBodies, replica.blocks.count)
        if let lowest = replica.blocks.values.map(\.height).min(), lowest <= replica.lowWatermark {
            problems.append("keeps the body of height \(lowest), at or below the stable checkpoint \(replica.lowWatermark)")
        }
        // Fixed-size tables.
        if replica.bodyRequests.count > Replica.bodyRequestsMax { problems.append("has \(replica.bodyRequests.count) body requests open") }
        if replica.evidence.count > Replica.evidenceMax { problems.append("keeps \(replica.evidence.count) pieces of evidence") }
        if replica.committedTransactionIDs.count > Replica.committedTransactionIDsMax {
            problems.append("remembers \(replica.committedTransactionIDs.count) committed transaction ids")
        }
        var checkpointHeights: [UInt16: Int] = [:]
        for votes in replica.checkpointVotes.values { for sender in votes.keys { checkpointHeights[sender, default: 0] += 1 } }
        if let most = checkpointHeights.values.max(), most > Replica.checkpointHeightsPerSenderMax {
            problems.append("keeps CHECKPOINTs of one sender at \(most) heights")
        }
        if let highest = replica.viewChanges.keys.max(), highest > replica.view + Replica.viewChangeLookaheadMax {
            problems.append("keeps VIEW-CHANGEs for view \(highest), beyond the look-ahead from view \(replica.view)")
        }
        return problems
    }
}

/// The largest of each bounded structure seen in any honest replica over a run.
public struct BoundMaxima: Sendable {
    public var futureBufferPerSender = 0
    public var mempool = 0
    public var votesPerSender = 0
    public var blockBodies = 0
    public init() {}

    public mutating func merge(_ other: BoundMaxima) {
        futureBufferPerSender = max(futureBufferPerSender, other.futureBufferPerSender)
        mempool = max(mempool, other.mempool)
        votesPerSender = max(votesPerSender, other.votesPerSender)
        blockBodies = max(blockBodies, other.blockBodies)
    }

    public var description: String {
        "futureBufferPerSenderMax=\(futureBufferPerSender) mempoolMax=\(mempool) votesPerSenderMax=\(votesPerSender) blockBodiesMax=\(blockBodies)"
    }
}
