import Foundation
import LedgerCore
import Node
import Storage
import Synchronization

/// The client side of `bench network`: submitters (on a schedule, or as fast as commits allow),
/// the chain follower that times commits, the progress line, and the drain.
struct NetworkBenchLoad: Sendable {
    let plan: NetworkBenchPlan
    let clients: [NodeClient]
    let tracker: NetworkBenchTracker
    let batch: Int
    let window: Int
    let start: UInt64
    let windowEnd: UInt64

    /// Refusals that clear by themselves (a full mempool, nonces too far ahead while earlier
    /// ones commit): the same transactions are sent again.
    static let retryable: Set<String> = ["mempool-full", "nonce-too-far-ahead"]
    /// `stale-nonce` after a resent batch means it already committed: left for the follower.
    static let committedElsewhere: Set<String> = ["stale-nonce"]

    /// Open loop: a batch is due at start + (transactions sent before it) / rate, on the
    /// validators in turn, whatever happened to earlier batches. At low rates batches shrink
    /// so that at least 20 go out a second.
    func submitOnSchedule(rate: Double) async {
        let size = max(1, min(batch, Int(rate / 20)))
        let inFlightMax = 32 * clients.count
        var cursors = [Int](repeating: 0, count: clients.count)
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            var sent = 0
            var validator = -1
            while true {
                // The next validator with transactions left, round robin.
                guard let next = (1...clients.count).lazy.map({ (validator + $0) % clients.count })
                    .first(where: { cursors[$0] < plan.queues[$0].count })
                else { break }
                validator = next
                let queue = plan.queues[validator]
                let due = start + UInt64(Double(sent) / rate * 1e9)
                guard due < windowEnd else { break }
                let now = monotonicNanos()
                if due > now { try? await Task.sleep(for: .nanoseconds(Int64(due - now))) }
                let slice = Array(queue[cursors[validator]..<min(queue.count, cursors[validator] + size)])
                cursors[validator] += slice.count
                await tracker.willSubmit(slice.map(\.id), dueNanos: due, validator: validator)
                if inFlight >= inFlightMax {
                    await group.next()
                    inFlight -= 1
                }
                let client = clients[validator]
                group.addTask { await send(slice, to: client) }
                inFlight += 1
                sent += slice.count
            }
        }
    }

    /// As fast as the validators commit: each validator's share of `window` transactions is
    /// kept outstanding (submitted, not yet committed), by `lanes` submissions in parallel per
    /// validator — as a fleet of clients would; one at a time, the client's own round trips
    /// (upload, admission, answer) would be what is measured.
    func submitAtMax(lanes: Int = 4) async {
        let share = max(batch, window / clients.count)
        await withTaskGroup(of: Void.self) { group in
            for validator in clients.indices {
                let cursor = SliceCursor(count: plan.queues[validator].count, size: batch)
                for _ in 0..<lanes {
                    group.addTask {
                        let queue = plan.queues[validator]
                        while monotonicNanos() < windowEnd {
                            // Room is checked every 20 ms: a full window holds seconds of work,
                            // and a tighter loop took CPU from the validators on the same cores.
                            guard await tracker.reserve(batch, validator: validator, limit: share) else {
                                try? await Task.sleep(for: .milliseconds(20))
                                continue
                            }
                            guard let range = cursor.next() else {
                                await tracker.release(batch, validator: validator)
                                return
                            }
                            let slice = Array(queue[range])
                            if slice.count < batch { await tracker.release(batch - slice.count, validator: validator) }
                            await tracker.willSubmit(slice.map(\.id), dueNanos: monotonicNanos(), validator: validator, reserved: true)
                            await send(slice, to: clients[validator])
                        }
                    }
                }
            }
        }
    }

    /// Sends until every transaction is accepted or finally refused; resends the retryable
    /// ones (and the whole batch after a transport error or a malformed answer: a transaction
    /// already admitted is answered `duplicate`), backing off from 50 ms to 1 s as a polite
    /// client does, for at most a minute.
    func send(_ transactions: [Transaction], to client: NodeClient) async {
        var todo = transactions
        let giveUp = monotonicNanos() + 60_000_000_000
        var attempt = 0
        while !todo.isEmpty {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(min(1_000, 50 << min(attempt - 1, 5)))) }
            attempt += 1
            // Given up on: left open, not refused — an answer lost in transport may hide an
            // admission, so the drain decides (committed, or unresolved: a failed run).
            guard monotonicNanos() < giveUp else { return }
            let results: [SubmissionResultBody]
            do { results = try await client.submit(todo) } catch {
                await tracker.willRetry(code: "transport")
                continue
            }
            guard results.count == todo.count else {
                await tracker.willRetry(code: "malformed-answer")
                continue
            }
            var again: [Transaction] = []
            for (transaction, result) in zip(todo, results) {
                guard result.status == "rejected" else {
                    await tracker.wasAccepted(transaction.id)
                    continue
                }
                let code = result.error?.code ?? "rejected"
                if Self.retryable.contains(code) {
                    again.append(transaction)
                    await tracker.willRetry(code: code)
                } else if !Self.committedElsewhere.contains(code) {
                    await tracker.wasRefused(transaction.id, code: code)
                }
            }
            todo = again
        }
    }

    /// Reads every new block from one validator (`GET /v1/chain`) and times its transactions.
    func follow(_ client: NodeClient, after startHeight: UInt64) async {
        var next = startHeight + 1
        while !Task.isCancelled {
            if let status = try? await client.status(), status.height >= next,
                let bytes = try? await client.chainExport(from: next, count: Int(min(status.height - next + 1, 256))),
                let entries = try? ChainExport.decode(bytes), let last = entries.last
            {
                let now = monotonicNanos()
                for entry in entries { await tracker.sawCommitted(entry.receipts, at: now) }
                next = last.raw.height + 1
                continue
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Waits until nothing submitted is open (committed or refused), or the deadline.
    func drain(until deadline: UInt64) async {
        while await tracker.open > 0, monotonicNanos() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// One line on stderr every `seconds` until cancelled.
    func reportProgress(every seconds: Int) async {
        var lastCommitted = 0
        var tick = 0
        while !Task.isCancelled {
            tick += 1
            let due = start + UInt64(tick * seconds) * 1_000_000_000
            let now = monotonicNanos()
            if due > now {
                do { try await Task.sleep(for: .nanoseconds(Int64(due - now))) } catch { return }
            }
            let snapshot = await tracker.snapshot()
            let phase = monotonicNanos() < windowEnd ? "" : "  (draining)"
            note(
                "  \(tick * seconds) s  submitted \(snapshot.submitted)  committed \(snapshot.committed) "
                    + "(\((snapshot.committed - lastCommitted) / seconds) tx/s)  open \(snapshot.open)  refused \(snapshot.refused)  "
                    + "resent \(snapshot.retried)  p99 \(snapshot.p99Micros.map { "\($0 / 1_000) ms" } ?? "-")\(phase)")
            lastCommitted = snapshot.committed
        }
    }
}

/// Hands out consecutive slices of one queue to the parallel submitters of one validator.
final class SliceCursor: Sendable {
    private let position = Mutex(0)
    private let count: Int
    private let size: Int

    init(count: Int, size: Int) {
        self.count = count
        self.size = size
    }

    func next() -> Range<Int>? {
        position.withLock { position in
            guard position < count else { return nil }
            let range = position..<min(count, position + size)
            position = range.upperBound
            return range
        }
    }
}
