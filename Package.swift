// swift-tools-version: 6.1
// GreenLedger: a permissioned PBFT ledger for green capital flows.
// Module layering (arrows point down only): COpenSSL ← LedgerCrypto ← LedgerCore ← … ← greenledger.
import PackageDescription

let package = Package(
    name: "GreenLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "greenledger", targets: ["greenledger"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        // The PBFT core's seeded fault simulator.
        .executable(name: "sim", targets: ["sim"]),
        // Every untrusted-input decoder as a fuzzing target, for the Fuzz/ package.
        .library(name: "GreenLedgerFuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SwiftNIO and swift-log for the peer layer.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Hummingbird 2 for the node's HTTP/JSON client API (module Node).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Prometheus exposition for the node's /metrics (per-node registry; swift-metrics and
        // swift-atomics are already in the graph through Hummingbird and NIO).
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // NIOHTTPTypes for the client API's request-deadline handler (already in the graph
        // through Hummingbird).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // TLS 1.3 on the peer links and the client API (transport only: BoringSSL encrypts the
        // links; the TLS handshake signatures are made by the node key through OpenSSL, and no
        // ledger data is hashed or signed by it).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "LedgerCrypto", dependencies: ["COpenSSL"]),
        .target(name: "LedgerCore", dependencies: ["LedgerCrypto"]),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "Storage", dependencies: ["LedgerCore", "LedgerCrypto", "CSQLite"]),
        .target(name: "Audit", dependencies: ["LedgerCore", "LedgerCrypto", "Storage"]),
        .executableTarget(
            name: "greenledger",
            dependencies: [
                "LedgerCore",
                "LedgerCrypto",
                "Storage",
                "Audit",
                "Node",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SwiftNIO and swift-log for the peer layer. depends on the codec and crypto only.
        .target(
            name: "PeerNetwork",
            dependencies: [
                "LedgerCore",
                "LedgerCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Node: the validator runtime (consensus driver, mempool, storage, peers) and the
        // HTTP/JSON client API with its client.
        .target(
            name: "Node",
            dependencies: [
                "LedgerCore",
                "LedgerCrypto",
                "Storage",
                "Consensus",
                "PeerNetwork",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The fuzzing targets (run by Fuzz/, replayed by FuzzTargetsTests).
        .target(name: "FuzzTargets", dependencies: ["LedgerCore", "LedgerCrypto", "Consensus", "PeerNetwork", "Node"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "LedgerCore"]),
        // The PBFT core as a pure state machine, its simulator and tests.
        .target(name: "Consensus", dependencies: ["LedgerCore", "LedgerCrypto"]),
        .executableTarget(
            name: "sim",
            dependencies: [
                "Consensus",
                "LedgerCore",
                "LedgerCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ConsensusTests", dependencies: ["Consensus", "LedgerCore", "LedgerCrypto"]),
        .testTarget(name: "LedgerCryptoTests", dependencies: ["LedgerCrypto"]),
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerCore", "LedgerCrypto"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Node", "Consensus", "PeerNetwork", "Storage", "LedgerCore", "LedgerCrypto", .product(name: "Logging", package: "swift-log"),
                // Raw sockets for the strangers on a peer port.
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Audit", "LedgerCore", "LedgerCrypto"]),

        .testTarget(
            name: "NodeTests",
            dependencies: [
                "Node",
                // Storage and Audit for the online-audit tests (a real chain served by a fake node).
                "Storage",
                "Audit",
                "LedgerCore",
                "LedgerCrypto",
                // Hummingbird for HTTPTypes only. Not HummingbirdTesting: it pulls in AsyncHTTPClient
                // and swift-nio-ssl (BoringSSL); the API tests run the real server on loopback instead.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // A raw loopback server for the client's transport tests (early close, resets).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PeerNetworkTests",
            dependencies: [
                "PeerNetwork",
                "LedgerCore",
                "LedgerCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
