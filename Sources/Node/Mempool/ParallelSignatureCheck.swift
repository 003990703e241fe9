import Foundation
import LedgerCore
import LedgerCrypto

/// Verifies a batch of transaction signatures spread over all cores: one child task per core,
/// each checking a contiguous slice, so the caller's actor is never blocked by ECDSA work.
enum ParallelSignatureCheck {
    /// Below this many signatures, one task does it all (spawning costs more than it saves).
    static let parallelThreshold = 4

    /// `result[i]` is true when `transactions[i]`'s signature is its sender's. With
    /// `stopAtFirstFailure`, each core stops at the first bad signature of its slice (the rest
    /// of that slice reads false, unchecked): for a block, which one bad transaction sinks.
    static func verify(_ transactions: [Transaction], verifier: any SignatureVerifier, stopAtFirstFailure: Bool = false) async -> [Bool] {
        let lanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, transactions.count))
        guard transactions.count >= parallelThreshold, lanes > 1 else {
            return check(transactions[...], verifier, stopAtFirstFailure)
        }
        let sliceSize = (transactions.count + lanes - 1) / lanes
        var results = [Bool](repeating: false, count: transactions.count)
        await withTaskGroup(of: (Int, [Bool]).self) { group in
            for start in stride(from: 0, to: transactions.count, by: sliceSize) {
                let slice = Array(transactions[start..<min(start + sliceSize, transactions.count)])
                group.addTask { (start, check(slice[...], verifier, stopAtFirstFailure)) }
            }
            for await (start, checked) in group {
                results.replaceSubrange(start..<start + checked.count, with: checked)
            }
        }
        return results
    }

    private static func check(_ slice: ArraySlice<Transaction>, _ verifier: any SignatureVerifier, _ stopAtFirstFailure: Bool) -> [Bool] {
        var results: [Bool] = []
        results.reserveCapacity(slice.count)
        for transaction in slice {
            let valid = verifies(transaction, verifier)
            results.append(valid)
            if !valid, stopAtFirstFailure { break }
        }
        results += repeatElement(false, count: slice.count - results.count)
        return results
    }

    private static func verifies(_ transaction: Transaction, _ verifier: any SignatureVerifier) -> Bool {
        verifier.isValidSignature(transaction.signature, digest: transaction.signingDigest, publicKey: transaction.sender)
    }
}
