import LedgerCore
import LedgerCrypto
import NIOCore
import Testing
@testable import PeerNetwork

@Suite struct WireMessageTests {
    /// Strips the 4-byte length prefix, as `FrameDecoder` does.
    func payload(of message: WireMessage) -> ByteBuffer {
        var frame = message.frame(allocator: ByteBufferAllocator())
        let length = frame.readInteger(endianness: .big, as: UInt32.self)
        #expect(length.map(Int.init) == frame.readableBytes)
        return frame
    }

    func sampleSignature() throws -> Signature {
        try SigningKey().sign(digest: SHA256.hash([1, 2, 3]))
    }

    @Test func everyMessageRoundTrips() throws {
        let nonce = HandshakeNonce(bytes: Array(repeating: 7, count: 32))!
        let hello = Hello(
            protocolVersion: 1, genesisHash: SHA256.hash([9]), initiatorIndex: 2, responderIndex: 3, initiatorNonce: nonce)
        let messages: [WireMessage] = [
            .hello(hello),
            .helloReply(HelloReply(responderNonce: nonce, responderSignature: try sampleSignature())),
            .helloFinish(initiatorSignature: try sampleSignature()),
            .accept, .ping, .goodbye(reason: "because"), .message([]), .message([0, 1, 2, 255]),
        ]
        for message in messages {
            #expect(try WireMessage(payload: payload(of: message)) == message)
        }
    }

    @Test func helloLayoutIsFixed() {
        let nonce = HandshakeNonce(bytes: Array(repeating: 0xee, count: 32))!
        let hash = SHA256.hash([9])
        let hello = Hello(protocolVersion: 1, genesisHash: hash, initiatorIndex: 0x0102_0304, responderIndex: 5, initiatorNonce: nonce)
        let body = WireMessage.hello(hello).body
        #expect(body == [1] + hash.bytes + [1, 2, 3, 4] + [0, 0, 0, 5] + nonce.bytes)
    }

    @Test func refusesUnknownKind() {
        #expect(throws: CodecError.unknownTag(type: "frame kind", tag: 0x7f)) {
            try WireMessage(payload: ByteBuffer(bytes: [0x7f, 1, 2]))
        }
    }

    @Test func refusesTrailingBytesAndTruncation() {
        var withTrailing = payload(of: .accept)
        withTrailing.writeBytes([0])
        #expect(throws: CodecError.trailingBytes(count: 1)) { try WireMessage(payload: withTrailing) }
        #expect(throws: CodecError.self) { try WireMessage(payload: ByteBuffer(bytes: [WireKind.hello.rawValue, 1, 2])) }
        #expect(throws: CodecError.self) { try WireMessage(payload: ByteBuffer(bytes: [WireKind.helloFinish.rawValue] + Array(repeating: 1, count: 63))) }
    }

    @Test func refusesNonCanonicalSignature() throws {
        let signature = try sampleSignature()
        let highS = [WireKind.helloFinish.rawValue] + signature.highSTwinRaw
        #expect(throws: CodecError.self) { try WireMessage(payload: ByteBuffer(bytes: highS)) }
    }

    @Test func refusesOverlongGoodbyeReason() {
        var payload = ByteBuffer(bytes: [WireKind.goodbye.rawValue])
        payload.writeInteger(UInt32(WireMessage.goodbyeReasonMaxBytes + 1), endianness: .big)
        payload.writeBytes(Array(repeating: UInt8(ascii: "a"), count: WireMessage.goodbyeReasonMaxBytes + 1))
        #expect(throws: CodecError.self) { try WireMessage(payload: payload) }
    }

    @Test func boundsAndSanitizesReasons() {
        let long = String(repeating: "é", count: 400)
        #expect(WireMessage.boundedReason(long).utf8.count <= WireMessage.goodbyeReasonMaxBytes)
        #expect(WireMessage.sanitizedReason("ok\n\u{1b}[31mred") == "ok??[31mred")
    }
}
