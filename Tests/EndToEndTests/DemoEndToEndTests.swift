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
        #expect(first.output.contains("is already attested (solar-gansu-1 vintage 2025); one report counts once (report-already-attested)"), "\(first.output)")
        #expect(first.output.contains("refused as it must be: project mall-retrofit-1 is green-buildings, not among bond GB-2026-01's eligible categories"), "\(first.output)")
        // The regulator's part: queries, one record proven offline, every node audited, reports.
        #expect(first.output.contains("1 retirements at height"), "\(first.output)")
        #expect(first.output.contains("unallocated 7,500,000.00 EUR"), "\(first.output)")
        #expect(first.output.contains("VALID — checked against your genesis"), "\(first.output)")
        #expect(first.output.components(separatedBy: "PASSED: blocks 1…").count - 1 == 4, "every node audited: \(first.output)")
        #expect(first.output.contains("carbon credits: 120,000 kg CO2e attested, 100,000 kg CO2e issued, 5,000 kg CO2e retired in 1 retirements"), "\(first.output)")
        #expect(first.output.contains("Green bond allocation report (ICMA)"))
        #expect(first.output.contains("solar-gansu-1  Gansu PV 50 MW  renewable-energy  2,500,000.00 EUR"), "\(first.output)")
        // Every step shows the command a member would type, with the binary as it was run (so
        // it can be pasted when greenledger is not on PATH).
        #expect(first.output.contains("$ \(net.binary) tx attest-reduction --key \(net.directory)/keys/tuv-verifier.pem --project solar-gansu-1"))

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
