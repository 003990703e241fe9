import NIOCore

/// The frames waiting for one peer's socket, bounded in count: appending to a full queue
/// drops the oldest frame, so a slow or dead peer costs at most `maxFrames` frames.
struct SendQueue {
    let maxFrames: Int
    private var frames = CircularBuffer<ByteBuffer>()
    private(set) var byteCount = 0

    init(maxFrames: Int) {
        precondition(maxFrames >= 1, "validated by PeerNetworkConfiguration")
        self.maxFrames = maxFrames
    }

    var count: Int { frames.count }
    var isEmpty: Bool { frames.isEmpty }

    /// Appends `frame`; returns how many old frames were dropped to make room (0 or 1).
    mutating func append(_ frame: ByteBuffer) -> Int {
        var dropped = 0
        while frames.count >= maxFrames, let oldest = frames.popFirst() {
            byteCount -= oldest.readableBytes
            dropped += 1
        }
        frames.append(frame)
        byteCount += frame.readableBytes
        return dropped
    }

    mutating func popFirst() -> ByteBuffer? {
        guard let frame = frames.popFirst() else { return nil }
        byteCount -= frame.readableBytes
        return frame
    }
}
