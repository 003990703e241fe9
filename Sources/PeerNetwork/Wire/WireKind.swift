/// The first byte of every frame payload: what the rest of the frame is.
enum WireKind: UInt8, Sendable {
    case hello = 0x01
    case helloReply = 0x02
    case helloFinish = 0x03
    case accept = 0x04
    case goodbye = 0x05
    case ping = 0x06
    case message = 0x10
}
