import Foundation
import LedgerCore
import LedgerCrypto

/// The client API's request bodies on untrusted bytes, for the fuzzing package and the corpus
/// replay test: `POST /v1/transactions` as JSON and as canonical bytes.
public enum APIFuzzing {
    /// Decodes `bytes` both ways; what is accepted as JSON is accepted again when written
    /// back as a JSON batch, with the same transactions.
    public static func checkSubmission(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        let binary = try? SubmissionDecoding.binary(bytes, batchMax: 500)
        guard let json = try? SubmissionDecoding.json(bytes, batchMax: 500) else { return binary != nil }
        let rewritten = "{\"transactions\": [" + json.map { "\"\(Hex.encode($0.canonicalBytes))\"" }.joined(separator: ",") + "]}"
        guard (try? SubmissionDecoding.json(Array(rewritten.utf8), batchMax: 500)) == json else {
            throw FuzzPropertyViolation("a JSON submission changes when written back")
        }
        return true
    }
}
