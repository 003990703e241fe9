import Foundation
import LedgerCore
import Testing

/// `greenledger genesis init` for a consortium whose validators run on separate hosts.
@Suite("genesis init")
struct GenesisCommandEndToEndTests {
    @Test("--validator-host gives each validator its own host, in order; a wrong count is refused before anything is written")
    func validatorHosts() throws {
        let net = try TestnetHarness()
        let hosts = ["198.18.0.10", "198.18.0.11", "validator-2.example.org", "198.18.0.13"]
        let out = "\(net.directory)/consortium"
        let created = try net.run(["genesis", "init", "--validators", "4", "--out", out, "--base-port", "7300"] + hosts.flatMap { ["--validator-host", $0] })
        #expect(created.status == 0, "\(created.output)")
        let genesis = try Genesis(contentsOfFile: "\(out)/genesis.json")
        #expect(genesis.validators.map(\.host) == hosts)
        #expect(genesis.validators.map(\.port) == [7300, 7301, 7302, 7303])
        let shown = try net.run(["genesis", "show", "\(out)/genesis.json"])
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("validator-2 validator-2.example.org:7302"), "\(shown.output)")

        let short = "\(net.directory)/short"
        let refused = try net.run(["genesis", "init", "--validators", "4", "--out", short] + hosts.prefix(3).flatMap { ["--validator-host", $0] })
        #expect(refused.status != 0)
        #expect(refused.output.contains("--validator-host given 3 times for 4 validators"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: short))
    }
}
