/// An opaque message from an authenticated validator: `sender` is the index whose genesis
/// key completed the handshake on the connection it arrived on.
public struct InboundMessage: Hashable, Sendable {
    public var sender: Int
    public var payload: [UInt8]

    public init(sender: Int, payload: [UInt8]) {
        self.sender = sender
        self.payload = payload
    }
}
