import LedgerCrypto

/// A verifier withdraws one of its own attestations, saying why — while the credits it backs
/// are not issued yet: the vintage's attested total drops by the attestation's quantity and
/// must still cover every credit issued. The attestation stays on record, marked revoked;
/// its report may then be attested again (with the corrected quantity).
public struct RevokeAttestation: Hashable, Sendable {
    public var projectID: Identifier
    public var vintage: UInt16
    /// The attestation's sequence within its project and vintage (0 for the first).
    public var sequence: UInt32
    public var reason: Text

    public init(projectID: Identifier, vintage: UInt16, sequence: UInt32, reason: Text) {
        self.projectID = projectID
        self.vintage = vintage
        self.sequence = sequence
        self.reason = reason
    }
}

/// A registry's correction of the first `quantity` units of an issued credit block (a part
/// splits off, as in a transfer): cancel (final: they never move or retire), suspend (frozen
/// until reinstated) or reinstate (a suspension lifted). Retired credits are never touched.
public struct CreditCorrection: Hashable, Sendable {
    public var block: CreditBlockID
    public var quantity: UInt64
    public var reason: Text

    public init(block: CreditBlockID, quantity: UInt64, reason: Text) {
        self.block = block
        self.quantity = quantity
        self.reason = reason
    }
}
