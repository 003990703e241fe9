/// What a faulty validator does in the simulation besides running as Twins (two instances of
/// one key, each running honest code, which equivocates whenever the two sides see different
/// things). A faulty validator holds its real key, so everything below is validly signed by
/// it: honest replicas must stay safe and live whatever it sends. The seed draws a set of
/// strategies for every Byzantine validator; they combine.
public enum ByzantineStrategy: String, CaseIterable, Sendable, Hashable, Comparable {
    /// PREPAREs and COMMITs for a digest nobody proposed, instead of or beside its real ones.
    case wrongDigestVotes = "wrong-digest-votes"
    /// As primary: a NEW-VIEW whose re-proposals are not what its VIEW-CHANGEs decide — the
    /// same heights bound to forged blocks (another timestamp) that it serves on request.
    case forgedNewView = "forged-new-view"
    /// VIEW-CHANGEs carrying a prepared certificate that does not hold — its own signature under
    /// other validators' indices, a signer twice, a signer outside the set, a signature of
    /// another view — for a forged block at the height above the highest stable checkpoint.
    case forgedCertificates = "forged-certificates"
    /// VIEW-CHANGEs for views long past, far ahead, or empty ones for the next view.
    case staleViewChanges = "stale-view-changes"
    /// FORWARDs transactions signed by a key outside the membership, and of another chain.
    case invalidForwards = "invalid-forwards"
    /// FORWARDs fresh, valid transactions to the backups only, never to the primary.
    case selectiveForwards = "selective-forwards"
    /// Bursts of distinct, validly signed messages for future views, to fill buffers.
    case bufferFlood = "buffer-flood"
    /// Sends its votes to a random part of the replicas only.
    case withholding
    /// Answers state transfer with forged blocks, truncated ranges or another height's certificate.
    case lyingStateTransfer = "lying-state-transfer"

    public static func < (lhs: ByzantineStrategy, rhs: ByzantineStrategy) -> Bool { lhs.rawValue < rhs.rawValue }
}
