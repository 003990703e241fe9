import Foundation

/// The ledger's decoders on untrusted bytes, for the fuzzing package (`Fuzz/`) and the corpus
/// replay test. Each returns whether the input decoded; a broken property throws.
public enum LedgerCoreFuzzing {
    /// A transaction's canonical bytes: whatever decodes re-encodes to exactly the input
    /// (the encoding is canonical), and its id is stable.
    public static func checkTransaction(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        guard let transaction = try? Transaction(canonicalBytes: bytes) else { return false }
        guard transaction.canonicalBytes == bytes else { throw FuzzPropertyViolation("a transaction re-encodes differently from its input") }
        guard (try? Transaction(canonicalBytes: transaction.canonicalBytes))?.id == transaction.id else {
            throw FuzzPropertyViolation("a transaction's id changes over encode and decode")
        }
        return true
    }

    /// A block's canonical bytes: re-encoding gives the input, and the hash is stable.
    public static func checkBlock(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        guard let block = try? Block(canonicalBytes: bytes) else { return false }
        guard block.canonicalBytes == bytes else { throw FuzzPropertyViolation("a block re-encodes differently from its input") }
        guard (try? Block(canonicalBytes: block.canonicalBytes))?.hash == block.hash else {
            throw FuzzPropertyViolation("a block's hash changes over encode and decode")
        }
        return true
    }

    /// Genesis JSON: whatever is accepted writes back to JSON that is accepted again, with the
    /// same genesis hash.
    public static func checkGenesisJSON(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        guard let genesis = try? Genesis(jsonData: Data(bytes)) else { return false }
        guard let again = try? Genesis(jsonData: genesis.jsonData()) else {
            throw FuzzPropertyViolation("an accepted genesis writes JSON that is refused")
        }
        guard again.hash == genesis.hash else { throw FuzzPropertyViolation("a genesis's hash changes over JSON write and read") }
        return true
    }
}
