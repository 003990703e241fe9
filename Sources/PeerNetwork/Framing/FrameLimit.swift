/// The largest frame payload a connection accepts right now: small until the handshake
/// completes (the largest handshake frame is a few hundred bytes), the full frame size after.
/// Shared by a connection's decoder and its handler; confined to the connection's event loop.
final class FrameLimit: @unchecked Sendable {
    var maxBytes: Int

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }
}
