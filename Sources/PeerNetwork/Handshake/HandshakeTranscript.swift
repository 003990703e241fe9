import LedgerCrypto

/// Which side of a handshake a signature speaks for. The role is signed, so the responder's
/// signature can never be reflected back as the initiator's.
enum HandshakeRole: UInt8, Sendable {
    case initiator = 1
    case responder = 2
}

/// What both sides sign:
/// SHA-256("GL/v1/handshake" ‖ genesis hash ‖ u32 initiator index ‖ u32 responder index ‖
/// initiator nonce ‖ responder nonce ‖ u8 role), integers big-endian.
/// Binding the genesis hash keeps a signature from another chain out; binding both indices
/// keeps it from being used for another pair; binding both fresh nonces keeps it from being replayed.
struct HandshakeTranscript: Hashable, Sendable {
    static let domain = Array("GL/v1/handshake".utf8)

    var genesisHash: Digest
    var initiatorIndex: UInt32
    var responderIndex: UInt32
    var initiatorNonce: HandshakeNonce
    var responderNonce: HandshakeNonce

    func signedBytes(role: HandshakeRole) -> [UInt8] {
        var bytes = Self.domain
        bytes.append(contentsOf: genesisHash.bytes)
        withUnsafeBytes(of: initiatorIndex.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: responderIndex.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: initiatorNonce.bytes)
        bytes.append(contentsOf: responderNonce.bytes)
        bytes.append(role.rawValue)
        return bytes
    }

    func digest(role: HandshakeRole) -> Digest {
        SHA256.hash(signedBytes(role: role))
    }
}
