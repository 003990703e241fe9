import LedgerCrypto
import Logging
import NIOEmbedded
import Testing
@testable import PeerNetwork

/// Both ends of a simultaneous dial must keep the same TCP connection.
@Suite struct LinkPreferenceTests {
    func manager(local: Int, keys: [SigningKey]) throws -> ConnectionManager {
        let validators = keys.indices.map { PeerIdentity(index: $0, publicKey: keys[$0].publicKey, host: "127.0.0.1", port: 7000 + $0) }
        let configuration = PeerNetworkConfiguration(
            genesisHash: SHA256.hash([1]), chainID: "test", validators: validators, localIndex: local, nodeKey: keys[local])
        return ConnectionManager(
            loop: EmbeddedEventLoop(), configuration: configuration,
            tls: try PeerTLS(nodeKey: keys[local], localIndex: local, validators: validators), logger: Logger(label: "test"),
            messageContinuation: AsyncStream<InboundMessage>.makeStream().continuation, inboundBudget: InboundByteBudget(perPeerMaxBytes: 1 << 20),
            eventContinuation: AsyncStream<PeerEvent>.makeStream().continuation)
    }

    func connection(_ id: Int, _ direction: PeerConnection.Direction, peer: Int) -> PeerConnection {
        let connection = PeerConnection(
            id: id, direction: direction, channel: EmbeddedChannel(), dialedIndex: direction == .outbound ? peer : nil)
        connection.peerIndex = peer
        return connection
    }

    @Test func bothEndsKeepTheLowerIndexOutboundConnection() throws {
        let keys = try (0..<4).map { _ in try SigningKey() }
        let low = try manager(local: 1, keys: keys)
        let high = try manager(local: 3, keys: keys)
        // Connection A: 1 dialed 3. Connection B: 3 dialed 1. Seen from each end.
        let aAtLow = connection(1, .outbound, peer: 3)
        let bAtLow = connection(2, .inbound, peer: 3)
        let aAtHigh = connection(3, .inbound, peer: 1)
        let bAtHigh = connection(4, .outbound, peer: 1)
        // Whichever each end established first, both keep A.
        #expect(low.prefers(aAtLow, over: bAtLow))
        #expect(!low.prefers(bAtLow, over: aAtLow))
        #expect(high.prefers(aAtHigh, over: bAtHigh))
        #expect(!high.prefers(bAtHigh, over: aAtHigh))
    }

    @Test func aRedialBySameInitiatorReplacesTheOldLink() throws {
        let keys = try (0..<2).map { _ in try SigningKey() }
        let responder = try manager(local: 1, keys: keys)
        let old = connection(1, .inbound, peer: 0)
        let new = connection(2, .inbound, peer: 0)
        #expect(responder.prefers(new, over: old))
    }
}
