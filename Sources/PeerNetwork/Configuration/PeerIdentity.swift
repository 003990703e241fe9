import LedgerCrypto

/// One validator as genesis lists it: its position, its node key and where it listens.
/// The index is the validator's identity on the wire; the key is what it must prove.
public struct PeerIdentity: Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    public var publicKey: PublicKey
    public var host: String
    public var port: Int

    public init(index: Int, publicKey: PublicKey, host: String, port: Int) {
        self.index = index
        self.publicKey = publicKey
        self.host = host
        self.port = port
    }

    /// `validator 2 at 127.0.0.1:7002`: what a log line about this peer says.
    public var description: String { "validator \(index) at \(host):\(port)" }
}
