import ArgumentParser
import Dispatch
import LedgerCore
import LedgerCrypto
import Synchronization

/// What `bench network` submits, signed before the clock starts.
enum NetworkBenchPayload: String, ExpressibleByArgument, CaseIterable, Codable, Sendable {
    /// Fund transfers between members, every taxonomy category in turn.
    case transfer
    /// Nine transfers in ten, and one project registration in ten (a new project record in
    /// state, a longer transaction).
    case mixed
}

/// The transactions of one run, one queue per validator. Each member is served by one
/// validator (member m by validator m mod n), so a member's nonces reach one mempool in order,
/// as a well-behaved client would send them.
struct NetworkBenchPlan: Sendable {
    /// queues[v]: validator v's transactions in submission order.
    let queues: [[Transaction]]

    var count: Int { queues.reduce(0) { $0 + $1.count } }

    /// Signs `total` transactions on every core. Member `m`'s k-th transaction has nonce k
    /// (a fresh consortium: every committed nonce is 0).
    static func sign(
        total: Int, validators: Int, keys: [SigningKey], chainID: Identifier, payload: NetworkBenchPayload, genesisFormat: UInt8 = Genesis.formatVersion,
        progress: @escaping @Sendable (Int) -> Void
    ) throws -> NetworkBenchPlan {
        // Validator v gets total / n transactions, the first total mod n one more.
        let counts = (0..<validators).map { total / validators + ($0 < total % validators ? 1 : 0) }
        let offsets = counts.indices.map { counts[..<$0].reduce(0, +) }
        let served = (0..<validators).map { validator in Array(stride(from: validator, to: keys.count, by: validators)) }
        guard keys.count >= 2, served.allSatisfy({ !$0.isEmpty }) else { throw CLIError("--members must be at least 2 and at least --nodes") }
        let recipients = keys.map(\.publicKey.address)
        let categories = TaxonomyCategory.allCases
        // A format-2 ledger needs a project's details.
        let details = genesisFormat >= 2 ? ProjectDetails(hostCountry: try CountryCode("DE"), methodology: "bench", program: "bench") : nil
        let slots = total
        let buffer = UnsafeMutableBufferPointer<Transaction?>.allocate(capacity: slots)
        buffer.initialize(repeating: nil)
        defer { buffer.deinitialize().deallocate() }
        nonisolated(unsafe) let shared = buffer
        let chunk = 2_048
        let chunks = (slots + chunk - 1) / chunk
        let failure = Mutex<String?>(nil)
        let done = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: chunks) { part in
            for slot in (part * chunk)..<min(slots, (part + 1) * chunk) {
                let validator = offsets.lastIndex { $0 <= slot } ?? 0
                let sequence = slot - offsets[validator]
                let members = served[validator]
                let member = members[sequence % members.count]
                let nonce = UInt64(sequence / members.count + 1)
                do {
                    let body: Payload
                    if payload == .mixed, nonce % 10 == 0 {
                        body = .registerProject(RegisterProject(
                            projectID: try Identifier("bench-\(member)-\(nonce)"), name: "bench project",
                            category: categories[Int(nonce / 10) % categories.count], location: "bench",
                            owner: recipients[member], details: details))
                    } else {
                        body = .transferFunds(TransferFunds(
                            to: recipients[(member + 1 + Int(nonce % UInt64(recipients.count - 1))) % recipients.count], currency: "EUR", amount: 1 + nonce % 100,
                            category: categories[Int(nonce) % categories.count], purpose: "bench"))
                    }
                    shared[slot] = try Transaction(chainID: chainID, nonce: nonce, payload: body, signer: keys[member])
                } catch {
                    failure.withLock { $0 = "signing failed: \(error)" }
                    return
                }
            }
            progress(done.withLock { $0 += min(chunk, slots - part * chunk); return $0 })
        }
        if let message = failure.withLock({ $0 }) { throw CLIError(message) }
        var queues: [[Transaction]] = []
        for validator in 0..<validators {
            queues.append((0..<counts[validator]).map { buffer[offsets[validator] + $0]! })
        }
        return NetworkBenchPlan(queues: queues)
    }
}
