import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import PeerNetwork

@Suite struct FrameDecoderTests {
    static let maxBytes = 1024

    func frame(_ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count), endianness: .big)
        buffer.writeBytes(payload)
        return buffer
    }

    @Test func decodesFramesDripFedAndBatched() throws {
        let payloads: [[UInt8]] = [
            [0x10], [0x06], Array(repeating: 0xab, count: 300), (0..<Self.maxBytes).map { UInt8(truncatingIfNeeded: $0) },
        ]
        let pairs = payloads.map { (frame($0), [ByteBuffer(bytes: $0)]) }
        // Drip-feeds byte by byte, sends all frames in one buffer, and each frame alone.
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            FrameDecoder(frameSizeMaxBytes: Self.maxBytes)
        }
    }

    @Test func refusesOversizeLengthBeforeThePayloadArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: Self.maxBytes)))
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32(Self.maxBytes + 1), endianness: .big)
        // Only the 4 length bytes: the refusal must not wait for (or buffer) the payload.
        #expect(throws: FramingError.frameTooLarge(lengthBytes: UInt32(Self.maxBytes + 1), maxBytes: Self.maxBytes)) {
            try channel.writeInbound(prefix)
        }
        _ = try? channel.finish()
    }

    @Test func refusesHugeLengthPrefix() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: Self.maxBytes)))
        #expect(throws: FramingError.frameTooLarge(lengthBytes: UInt32.max, maxBytes: Self.maxBytes)) {
            try channel.writeInbound(ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff, 0x10]))
        }
        _ = try? channel.finish()
    }

    @Test func refusesEmptyFrame() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: Self.maxBytes)))
        #expect(throws: FramingError.emptyFrame) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
        }
        _ = try? channel.finish()
    }

    @Test func reportsTruncatedFrameAtEndOfStream() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: Self.maxBytes)))
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 10, 0x10, 1, 2]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(throws: FramingError.truncatedFrame(bufferedBytes: 7)) {
            _ = try channel.finish()
        }
    }

    @Test func deliversCompleteFramesBeforeATruncatedTail() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: Self.maxBytes)))
        var input = frame([0x10, 7])
        input.writeBytes([0, 0, 0, 5, 0x10])
        try channel.writeInbound(input)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [0x10, 7]))
        #expect(throws: FramingError.self) { _ = try channel.finish() }
    }
}
