import LedgerCrypto

/// What a validator's signature is for. Part of every vote digest, so a PREPARE can never
/// be counted as a COMMIT.
public enum VoteKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case prePrepare = 1
    case prepare = 2
    case commit = 3
    case checkpoint = 4

    /// `pre_prepare`, `prepare`, `commit`, `checkpoint`: for metric labels.
    public var metricName: String {
        switch self {
        case .prePrepare: "pre_prepare"
        case .prepare: "prepare"
        case .commit: "commit"
        case .checkpoint: "checkpoint"
        }
    }

    public var description: String {
        switch self {
        case .prePrepare: "PRE-PREPARE"
        case .prepare: "PREPARE"
        case .commit: "COMMIT"
        case .checkpoint: "CHECKPOINT"
        }
    }
}

/// The digest a validator signs for a vote:
/// SHA-256("GL/v1" ‖ kind ‖ chain id ‖ genesis hash ‖ view ‖ height ‖ digest),
/// binding the vote to one kind, chain, genesis, view, height and block (or, for a
/// checkpoint, state root).
public enum VoteDigest {
    static let domain = Array("GL/v1".utf8)

    public static func compute(
        kind: VoteKind, chainID: Identifier, genesisHash: Digest, view: UInt64, height: UInt64, digest: Digest
    ) -> Digest {
        var writer = CanonicalWriter(capacity: 128)
        writer.writeFixed(domain)
        writer.write(kind.rawValue)
        writer.write(chainID)
        writer.write(genesisHash)
        writer.write(view)
        writer.write(height)
        writer.write(digest)
        return SHA256.hash(writer.bytes)
    }
}
