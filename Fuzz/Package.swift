// swift-tools-version: 6.1
// libFuzzer targets for every decoder that takes untrusted bytes. A package of its own, depending
// on the main one by path, so the sanitizer and coverage flags never touch the product build.
// Build and run: scripts/fuzz (docs/security.md, "Fuzzing").
import PackageDescription

let package = Package(
    name: "GreenLedgerFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "GreenLedger", path: "..")],
    targets: [
        .executableTarget(
            name: "greenledger-fuzz",
            dependencies: [.product(name: "GreenLedgerFuzzTargets", package: "GreenLedger")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
