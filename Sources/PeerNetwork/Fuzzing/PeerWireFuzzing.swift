import LedgerCore
import LedgerCrypto
import NIOCore

/// The peer layer's decoders on untrusted bytes, for the fuzzing package and the corpus replay
/// test: the frame cutter with its length check, and every frame kind.
public enum PeerWireFuzzing {
    /// Cuts `bytes` into frames as a connection would (payloads at most `frameSizeMaxBytes`),
    /// decodes each payload and checks it re-encodes to the same frame. Returns how many frames
    /// decoded; stops at the first framing error, as a connection closes there.
    public static func checkFrames(_ bytes: [UInt8], frameSizeMaxBytes: Int = 1_024) throws(FuzzPropertyViolation) -> Int {
        var buffer = ByteBuffer(bytes: bytes)
        let decoder = FrameDecoder(frameSizeMaxBytes: frameSizeMaxBytes)
        var decoded = 0
        while true {
            let before = buffer.readableBytes
            guard let payload = try? decoder.nextFrame(&buffer) else { return decoded }
            guard payload.readableBytes <= frameSizeMaxBytes, buffer.readableBytes < before else {
                throw FuzzPropertyViolation("the frame cutter returned a payload over the limit or consumed nothing")
            }
            guard let message = try? WireMessage(payload: payload) else { continue }
            var frame = message.frame(allocator: ByteBufferAllocator())
            frame.moveReaderIndex(forwardBy: FrameDecoder.lengthPrefixBytes)
            guard (try? WireMessage(payload: frame)) == message else {
                throw FuzzPropertyViolation("a \(message.kind) frame changes over encode and decode")
            }
            decoded += 1
        }
    }

    /// The handshake's bodies decoded directly (hello, hello reply): what decodes re-encodes
    /// to exactly the input.
    public static func checkHandshake(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        var accepted = false
        if let hello = try? Hello(canonicalBytes: bytes) {
            guard hello.canonicalBytes == bytes else { throw FuzzPropertyViolation("a hello re-encodes differently from its input") }
            accepted = true
        }
        if let reply = try? HelloReply(canonicalBytes: bytes) {
            guard reply.canonicalBytes == bytes else { throw FuzzPropertyViolation("a hello reply re-encodes differently from its input") }
            accepted = true
        }
        return accepted
    }

    /// Valid frames of every kind, one stream each, to seed the corpus.
    public static func seedFrames() -> [[UInt8]] {
        let nonce = HandshakeNonce(bytes: [UInt8](repeating: 7, count: HandshakeNonce.byteCount))!
        let hello = Hello(protocolVersion: Hello.protocolVersionCurrent, genesisHash: SHA256.hash([1]), initiatorIndex: 0, responderIndex: 1, initiatorNonce: nonce)
        let messages: [WireMessage] = [
            .hello(hello), .accept, .goodbye(reason: "duplicate connection"), .ping, .message([1, 2, 3, 4]),
        ]
        return messages.map { Array($0.frame(allocator: ByteBufferAllocator()).readableBytesView) }
    }

    /// A valid hello body, to seed the handshake corpus.
    public static func seedHandshake() -> [[UInt8]] {
        let nonce = HandshakeNonce(bytes: [UInt8](repeating: 9, count: HandshakeNonce.byteCount))!
        return [Hello(protocolVersion: Hello.protocolVersionCurrent, genesisHash: SHA256.hash([2]), initiatorIndex: 3, responderIndex: 0, initiatorNonce: nonce).canonicalBytes]
    }
}
