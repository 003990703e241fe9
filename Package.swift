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
        // Consensus (branch `consensus`): the PBFT core's seeded fault simulator.
        .executable(name: "sim", targets: ["sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "LedgerCrypto", dependencies: ["COpenSSL"]),
        .target(name: "LedgerCore", dependencies: ["LedgerCrypto"]),
        .executableTarget(
            name: "greenledger",
            dependencies: [
                "LedgerCore",
                "LedgerCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Consensus (branch `consensus`): PBFT core as a pure state machine, its simulator and tests.
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
    ],
    swiftLanguageModes: [.v6]
)
