/// Why a byte stream could not be cut into frames. Each one closes the connection.
enum FramingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A length prefix above the maximum, refused before any of the frame is buffered.
    case frameTooLarge(lengthBytes: UInt32, maxBytes: Int)
    /// A length prefix of zero: every frame carries at least its kind byte.
    case emptyFrame
    /// The stream ended inside a frame.
    case truncatedFrame(bufferedBytes: Int)

    var description: String {
        switch self {
        case .frameTooLarge(let length, let max): "frame length \(length) bytes is above the \(max)-byte maximum"
        case .emptyFrame: "frame of length 0 (every frame has a kind byte)"
        case .truncatedFrame(let buffered): "connection ended inside a frame (\(buffered) bytes buffered)"
        }
    }
}
