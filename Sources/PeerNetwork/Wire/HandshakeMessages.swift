import LedgerCore
import LedgerCrypto

/// The dialer's opening: who it is, whom it thinks it dialed, on which chain, and its nonce.
struct Hello: Hashable, Sendable, CanonicalCodable {
    static let protocolVersionCurrent: UInt8 = 1

    var protocolVersion: UInt8
    var genesisHash: Digest
    var initiatorIndex: UInt32
    var responderIndex: UInt32
    var initiatorNonce: HandshakeNonce

    func encode(to writer: inout CanonicalWriter) {
        writer.write(protocolVersion)
        writer.write(genesisHash)
        writer.write(initiatorIndex)
        writer.write(responderIndex)
        writer.write(initiatorNonce)
    }

    init(protocolVersion: UInt8, genesisHash: Digest, initiatorIndex: UInt32, responderIndex: UInt32, initiatorNonce: HandshakeNonce) {
        self.protocolVersion = protocolVersion
        self.genesisHash = genesisHash
        self.initiatorIndex = initiatorIndex
        self.responderIndex = responderIndex
        self.initiatorNonce = initiatorNonce
    }

    init(from reader: inout CanonicalReader) throws(CodecError) {
        protocolVersion = try reader.readUInt8("hello.protocolVersion")
        genesisHash = try reader.readDigest("hello.genesisHash")
        initiatorIndex = try reader.readUInt32("hello.initiatorIndex")
        responderIndex = try reader.readUInt32("hello.responderIndex")
        initiatorNonce = try reader.read(HandshakeNonce.self)
    }
}

/// The listener's answer: its nonce and its signature over the whole transcript.
struct HelloReply: Hashable, Sendable, CanonicalCodable {
    var responderNonce: HandshakeNonce
    var responderSignature: Signature

    init(responderNonce: HandshakeNonce, responderSignature: Signature) {
        self.responderNonce = responderNonce
        self.responderSignature = responderSignature
    }

    func encode(to writer: inout CanonicalWriter) {
        writer.write(responderNonce)
        writer.write(responderSignature)
    }

    init(from reader: inout CanonicalReader) throws(CodecError) {
        responderNonce = try reader.read(HandshakeNonce.self)
        responderSignature = try reader.read(Signature.self)
    }
}

/// A 32-byte random value each side contributes to a handshake, so no transcript repeats.
struct HandshakeNonce: Hashable, Sendable, CanonicalCodable {
    static let byteCount = 32
    let bytes: [UInt8]

    init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Fresh bytes from `generator` (the system CSPRNG unless a test passes another).
    static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> HandshakeNonce {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for _ in 0..<(byteCount / 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return HandshakeNonce(bytes: bytes)!
    }

    static func random() -> HandshakeNonce {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    func encode(to writer: inout CanonicalWriter) { writer.writeFixed(bytes) }

    init(from reader: inout CanonicalReader) throws(CodecError) {
        bytes = try reader.readFixed(Self.byteCount, "handshake nonce")
    }
}
