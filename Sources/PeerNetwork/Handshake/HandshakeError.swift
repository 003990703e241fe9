import LedgerCrypto

/// Why a handshake was refused. The description is what the log and the goodbye frame say.
enum HandshakeError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedVersion(UInt8)
    case genesisMismatch(ours: Digest, theirs: Digest)
    /// The dialer claims an index genesis does not list.
    case unknownValidator(index: UInt32, validatorCount: Int)
    /// The dialer claims to be this node.
    case claimsOurIndex(index: UInt32)
    /// The dialer meant to reach another validator: its config points at the wrong address.
    case wrongResponder(expected: Int, dialed: UInt32)
    /// The signature does not prove the key genesis lists for `validatorIndex`.
    case invalidSignature(validatorIndex: Int)
    case unexpectedMessage(kind: WireKind, during: String)
    case timedOut(seconds: Double)
    case refusedByPeer(reason: String)
    case signingFailed(CryptoError)
    /// The TLS certificate's key is another validator's than the one the handshake proves.
    case tlsIdentityMismatch(claimed: Int, certificate: String)
    /// The peer's TLS certificate was refused (`PeerTLS.verify` says why).
    case tlsRefused(reason: String)
    /// The TLS handshake failed: the peer refused this node's certificate, or spoke no TLS.
    case tlsFailed(String)

    /// The case's name: log lines are rate-limited per kind, so one noisy cause (a stranger
    /// retrying) cannot hide the line of another (an impostor, another chain).
    var kind: String {
        switch self {
        case .unsupportedVersion: "unsupported-version"
        case .genesisMismatch: "genesis-mismatch"
        case .unknownValidator: "unknown-validator"
        case .claimsOurIndex: "claims-our-index"
        case .wrongResponder: "wrong-responder"
        case .invalidSignature: "invalid-signature"
        case .unexpectedMessage: "unexpected-message"
        case .timedOut: "timed-out"
        case .refusedByPeer: "refused-by-peer"
        case .signingFailed: "signing-failed"
        case .tlsIdentityMismatch: "tls-identity-mismatch"
        case .tlsRefused: "tls-refused"
        case .tlsFailed: "tls-failed"
        }
    }

    var description: String {
        switch self {
        case .unsupportedVersion(let version):
            "unsupported handshake version \(version) (this node speaks \(Hello.protocolVersionCurrent))"
        case .genesisMismatch(let ours, let theirs):
            "genesis hash mismatch: peer is on \(theirs.shortHex)…, this node on \(ours.shortHex)… (another chain or another genesis file)"
        case .unknownValidator(let index, let count): "claims validator \(index), but genesis lists only 0..<\(count)"
        case .claimsOurIndex(let index): "claims validator \(index), which is this node"
        case .wrongResponder(let expected, let dialed):
            "dialed validator \(dialed) but reached validator \(expected) (check the peer's address list)"
        case .invalidSignature(let index): "signature does not prove the key genesis lists for validator \(index)"
        case .unexpectedMessage(let kind, let during): "unexpected \(kind) frame during \(during)"
        case .timedOut(let seconds): "handshake not completed within \(seconds) s"
        case .refusedByPeer(let reason): "peer refused the handshake: \(reason)"
        case .signingFailed(let error): "could not sign the handshake: \(error)"
        case .tlsIdentityMismatch(let claimed, let certificate):
            "the handshake proves validator \(claimed) but the TLS session is \(certificate)'s"
        case .tlsRefused(let reason): "TLS certificate refused: \(reason)"
        case .tlsFailed(let reason): "TLS handshake failed: \(reason)"
        }
    }
}
