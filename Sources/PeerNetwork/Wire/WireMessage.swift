import LedgerCore
import LedgerCrypto
import NIOCore

/// Everything that travels in a frame payload: `kind byte ‖ body` (see docs/protocol.md).
enum WireMessage: Hashable, Sendable {
    case hello(Hello)
    case helloReply(HelloReply)
    case helloFinish(initiatorSignature: Signature)
    case accept
    /// Sent before closing, so the other operator's log says why.
    case goodbye(reason: String)
    case ping
    /// An opaque consensus message: the body is every byte after the kind byte.
    case message([UInt8])

    static let goodbyeReasonMaxBytes = 256

    var kind: WireKind {
        switch self {
        case .hello: .hello
        case .helloReply: .helloReply
        case .helloFinish: .helloFinish
        case .accept: .accept
        case .goodbye: .goodbye
        case .ping: .ping
        case .message: .message
        }
    }

    /// Decodes one payload strictly: an unknown kind, a short body or trailing bytes throw.
    init(payload: ByteBuffer) throws(CodecError) {
        var payload = payload
        guard let rawKind = payload.readInteger(as: UInt8.self) else {
            throw .truncated(field: "frame kind", needed: 1, remaining: 0)
        }
        guard let kind = WireKind(rawValue: rawKind) else { throw .unknownTag(type: "frame kind", tag: rawKind) }
        let body = payload.readBytes(length: payload.readableBytes) ?? []
        if kind == .message {
            self = .message(body)
            return
        }
        var reader = CanonicalReader(body)
        switch kind {
        case .hello: self = .hello(try reader.read(Hello.self))
        case .helloReply: self = .helloReply(try reader.read(HelloReply.self))
        case .helloFinish: self = .helloFinish(initiatorSignature: try reader.read(Signature.self))
        case .accept: self = .accept
        case .goodbye: self = .goodbye(reason: try reader.readString(maximum: Self.goodbyeReasonMaxBytes, "goodbye.reason"))
        case .ping: self = .ping
        case .message: preconditionFailure("handled above")
        }
        try reader.finish()
    }

    /// The body bytes (after the kind byte).
    var body: [UInt8] {
        var writer = CanonicalWriter()
        switch self {
        case .hello(let hello): writer.write(hello)
        case .helloReply(let reply): writer.write(reply)
        case .helloFinish(let signature): writer.write(signature)
        case .accept, .ping: break
        case .goodbye(let reason): writer.write(Self.boundedReason(reason), maximum: Self.goodbyeReasonMaxBytes)
        case .message(let bytes): return bytes
        }
        return writer.bytes
    }

    /// A whole frame: length prefix, kind, body.
    func frame(allocator: ByteBufferAllocator) -> ByteBuffer {
        Self.frame(kind: kind, body: body, allocator: allocator)
    }

    static func frame(kind: WireKind, body: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: FrameDecoder.lengthPrefixBytes + 1 + body.count)
        buffer.writeInteger(UInt32(1 + body.count), endianness: .big)
        buffer.writeInteger(kind.rawValue)
        buffer.writeBytes(body)
        return buffer
    }

    /// Cuts a reason to the wire bound on a character boundary.
    static func boundedReason(_ reason: String) -> String {
        var result = ""
        for character in reason {
            guard result.utf8.count + character.utf8.count <= goodbyeReasonMaxBytes else { break }
            result.append(character)
        }
        return result
    }

    /// A peer-supplied reason made safe for one log line: printable ASCII only.
    static func sanitizedReason(_ reason: String) -> String {
        String(String.UnicodeScalarView(reason.unicodeScalars.map { (0x20...0x7e).contains($0.value) ? $0 : "?" }))
    }
}
