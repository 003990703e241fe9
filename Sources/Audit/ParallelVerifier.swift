import Foundation
import LedgerCore
import LedgerCrypto

/// Checks many independent signatures on every core. Returns, per job, whether it verified.
enum ParallelVerifier {
    struct Job: Sendable {
        let signature: Signature
        let digest: Digest
        let publicKey: PublicKey
    }

    static func verify(_ jobs: [Job], threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [Bool] {
        guard !jobs.isEmpty else { return [] }
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: jobs.count)
        results.initialize(repeating: false)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        let chunks = min(jobs.count, max(1, threads) * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var index = chunk
            while index < jobs.count {
                let job = jobs[index]
                shared[index] = job.publicKey.isValidSignature(job.signature, digest: job.digest)
                index += chunks
            }
        }
        return Array(results)
    }
}
