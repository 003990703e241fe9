import NIOCore

/// Cuts the inbound byte stream into frames: a 4-byte big-endian payload length, then the
/// payload. Emits each payload as a slice of the input (no copy). The length is checked
/// against the connection's current maximum (`FrameLimit`: small before the handshake) as
/// soon as its 4 bytes arrive, so a hostile prefix never makes the cumulation buffer grow
/// past one maximum frame.
struct FrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    static let lengthPrefixBytes = 4
    let limit: FrameLimit
    var frameSizeMaxBytes: Int { limit.maxBytes }

    init(limit: FrameLimit) {
        self.limit = limit
    }

    init(frameSizeMaxBytes: Int) {
        self.init(limit: FrameLimit(maxBytes: frameSizeMaxBytes))
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let payload = try nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(payload))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while let payload = try nextFrame(&buffer) {
            context.fireChannelRead(wrapInboundOut(payload))
        }
        if buffer.readableBytes > 0 {
            let buffered = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: buffered)
            throw FramingError.truncatedFrame(bufferedBytes: buffered)
        }
        return .needMoreData
    }

    /// The next complete payload, or nil if more bytes are needed; moves the reader index
    /// only when a whole frame is present.
    func nextFrame(_ buffer: inout ByteBuffer) throws(FramingError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard length > 0 else { throw .emptyFrame }
        let maxBytes = limit.maxBytes
        guard UInt64(length) <= UInt64(maxBytes) else {
            throw .frameTooLarge(lengthBytes: length, maxBytes: maxBytes)
        }
        guard buffer.readableBytes >= Self.lengthPrefixBytes + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Self.lengthPrefixBytes)
        return buffer.readSlice(length: Int(length))
    }
}
