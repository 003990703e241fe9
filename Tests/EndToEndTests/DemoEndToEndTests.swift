import Foundation
import Testing

/// `greenledger demo` — the README's first command ends with it — against a real 4-validator
/// testnet: every step comes out as expected, the refusals carry the ledger's reasons, and a
/// second run plays again on the same network with new projects and a new bond.
@Suite("End to end: the demo story", .serialized)
struct DemoEndToEndTests {
    @Test("the demo plays the whole story twice on one testnet")
    func demoTwice() throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let first = try net.run(["demo", "--dir", net.directory], timeoutSeconds: 180)
        #expect(first.status == 0, "\(first.output)\n\(net.logTails())")
        #expect(first.output.contains("demo run 1 finished: every step came out as expected"), "\(first.output)")
        #expect(first.output.contains("RETIREMENT CERTIFICATE"))
        #expect(first.output.contains("beneficiary  Acme Steel AG"))
        #expect(first.output.contains("refused as it must be: credits solar-gansu-1/2025/1 are retired and can never move again (credits-retired)"), "\(first.output)")
        #expect(first.output.contains("refused as it must be: project mall-retrofit-1 is green-buildings, not among bond GB-2026-01's eligible categories"), "\(first.output)")
        // Every step shows the command a member would type.
        #expect(first.output.contains("$ greenledger tx attest-reduction --key \(net.directory)/keys/tuv-verifier.pem --project solar-gansu-1"))

        let second = try net.run(["demo", "--dir", net.directory], timeoutSeconds: 180)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("demo run 2 finished"), "\(second.output)")
        #expect(second.output.contains("GB-2026-02"))
    }

    @Test("without a running testnet the demo says how to start one")
    func noTestnet() throws {
        let net = try TestnetHarness(nodes: 1)
        let result = try net.run(["demo", "--dir", net.directory])
        #expect(result.status != 0)
        #expect(result.output.contains("no testnet in \(net.directory): start one with `greenledger testnet up --dir \(net.directory)`"), "\(result.output)")
    }
}
