import LedgerCore

/// Consensus messages on untrusted bytes, for the fuzzing package and the corpus replay test.
public enum ConsensusFuzzing {
    /// A signed envelope (every consensus message kind): what decodes re-encodes to exactly
    /// the input, and decodes again to the same envelope.
    public static func checkEnvelope(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        guard let envelope = try? SignedEnvelope.decode(bytes) else { return false }
        guard envelope.canonicalBytes == bytes else { throw FuzzPropertyViolation("an envelope re-encodes differently from its input") }
        guard (try? SignedEnvelope.decode(envelope.canonicalBytes)) == envelope else {
            throw FuzzPropertyViolation("an envelope changes over encode and decode")
        }
        return true
    }
}
