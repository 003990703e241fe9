import LedgerCrypto
import Testing
@testable import PeerNetwork

@Suite struct PeerNetworkConfigurationTests {
    let keys: [SigningKey]

    init() throws {
        keys = try (0..<4).map { _ in try SigningKey() }
    }

    func configuration(_ customize: (inout PeerNetworkConfiguration) -> Void = { _ in }) -> PeerNetworkConfiguration {
        let validators = keys.indices.map {
            PeerIdentity(index: $0, publicKey: keys[$0].publicKey, host: "127.0.0.1", port: 7000 + $0)
        }
        var configuration = PeerNetworkConfiguration(
            genesisHash: SHA256.hash([1]), chainID: "test", validators: validators, localIndex: 1, nodeKey: keys[1])
        customize(&configuration)
        return configuration
    }

    func expectInvalid(_ fragment: String, _ customize: (inout PeerNetworkConfiguration) -> Void) {
        do {
            try configuration(customize).validate()
            Issue.record("expected a configuration error mentioning \"\(fragment)\"")
        } catch {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test func acceptsDefaults() throws {
        try configuration().validate()
    }

    @Test func refusesNodeKeyOfAnotherValidator() {
        expectInvalid("is not the key genesis lists for validator 1") { $0.nodeKey = keys[2] }
    }

    @Test func refusesBadRosters() {
        expectInvalid("index order") { $0.validators.swapAt(0, 1) }
        expectInvalid("share one node key") { $0.validators[3].publicKey = keys[0].publicKey }
        expectInvalid("local index 7") { $0.localIndex = 7 }
        expectInvalid("port 70000") { $0.validators[2].port = 70000 }
        expectInvalid("1...1024 validators") { $0.validators = [] }
    }

    @Test func refusesUnboundedOrNonsenseLimits() {
        expectInvalid("frameSizeMaxBytes") { $0.frameSizeMaxBytes = 1 << 30 }
        expectInvalid("sendQueueMaxFrames") { $0.sendQueueMaxFrames = 0 }
        expectInvalid("handshakeTimeout") { $0.handshakeTimeout = .zero }
        expectInvalid("heartbeatInterval") { $0.heartbeatInterval = .seconds(60) }
        expectInvalid("delayInitial") { $0.backoff = BackoffPolicy(delayInitial: .seconds(10), delayMax: .seconds(1)) }
    }
}
