import Foundation
import LedgerCrypto
import Testing
@testable import LedgerCore

/// The rules of a format-2 genesis (`LedgerRules`): what a regulator's report must not
/// miscount. Tests named `INVARIANT name:` are the ones `scripts/mutate-invariants` expects to
/// fail when that check is disabled. A format-1 genesis keeps the old rules, so chains made
/// before them replay as committed.
@Suite("Ledger rules (genesis format 2)")
struct LedgerRulesTests {
    static let rules = LedgerRules(
        currencies: [CurrencyRule(code: "EUR", exponent: 2), CurrencyRule(code: "JPY", exponent: 0)],
        attestationKgMax: 1_000_000, issuanceMax: 500_000)

    func ledger() throws -> TestLedger { try TestLedger(rules: LedgerRulesTests.rules) }

    @Test("INVARIANT no-self-transfer: a transfer to oneself is refused, moves nothing, and uses the nonce")
    func noSelfTransfer() throws {
        let ledger = try ledger()
        let receipt = try ledger.submit("bank", ledger.transfer(to: "bank", 99_900_000))
        #expect(receipt.failureCode == .selfTransfer)
        #expect(ledger.state.account(ledger.address("bank"))?.balance("EUR") == 100_000_000)
        #expect(ledger.state.account(ledger.address("bank"))?.nonce == 1)
        #expect(try ledger.submit("bank", ledger.transfer(to: "fund", 1)).succeeded)
    }

    @Test("a format-1 genesis keeps its rules: a self-transfer still succeeds there, so old chains replay as committed")
    func formatOneKeepsItsRules() throws {
        let legacy = try TestLedger()
        #expect(legacy.genesis.formatVersion == 1)
        #expect(try legacy.submit("bank", legacy.transfer(to: "bank", 5)).succeeded)
        #expect(try legacy.submit("bank", legacy.transfer(to: "fund", 5, currency: "eur")).failureCode == .insufficientFunds)
    }

    @Test("INVARIANT currency-listed: transfers and bonds only in the ledger's currencies; eur is not EUR")
    func currencyListed() throws {
        let ledger = try ledger()
        let lower = try ledger.submit("bank", ledger.transfer(to: "fund", 5, currency: "eur"))
        #expect(lower.failureCode == .unknownCurrency)
        #expect(lower.failure?.message.contains("EUR, JPY") == true)
        let bond = try ledger.submit("issuer", .issueBond(IssueBond(bondID: "GB-1", currency: "USD", faceValue: 1_000, termMonths: 12, eligibleCategories: [.renewableEnergy])))
        #expect(bond.failureCode == .unknownCurrency)
        #expect(ledger.state.bonds.isEmpty)
        #expect(try ledger.submit("issuer", .issueBond(IssueBond(bondID: "GB-1", currency: "EUR", faceValue: 1_000, termMonths: 12, eligibleCategories: [.renewableEnergy]))).succeeded)
    }

    @Test("INVARIANT names-not-empty: a project name, a beneficiary and a reason must say something")
    func namesNotEmpty() throws {
        let ledger = try ledger()
        let blank = try ledger.submit("owner", .registerProject(RegisterProject(projectID: "p-1", name: "   ", category: .renewableEnergy, location: "x", owner: ledger.address("owner"), details: TestLedger.details)))
        #expect(blank.failureCode == .emptyField)
        let ideographic = try ledger.submit("owner", .registerProject(RegisterProject(projectID: "p-1", name: "\u{3000}\u{00A0}", category: .renewableEnergy, location: "x", owner: ledger.address("owner"), details: TestLedger.details)))
        #expect(ideographic.failureCode == .emptyField)
        #expect(ledger.state.projects.isEmpty)
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000))
        try ledger.submit("registry", ledger.issue("solar-1", first: 1, 1_000, to: "bank"))
        let block = ledger.credits("solar-1", first: 1)
        for (beneficiary, reason) in [("", "offset"), ("Acme", "   "), ("", "")] {
            let retire = try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 5, beneficiary: Text(beneficiary), reason: Text(reason))))
            #expect(retire.failureCode == .emptyField, "\(beneficiary)/\(reason)")
        }
        #expect(ledger.state.creditBlocks[block]?.retirement == nil)
        #expect(try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 5, beneficiary: "Acme Steel AG", reason: "2025 offset"))).succeeded)
    }

    @Test("INVARIANT report-attested-once: a verification report counts once, in any project or vintage, also after a restart")
    func reportAttestedOnce() throws {
        let ledger = try ledger()
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("owner", ledger.register("solar-2"))
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", 120_000, report: "report-A")).succeeded)
        let again = try ledger.submit("verifier", ledger.attest("solar-1", 120_000, report: "report-A"))
        #expect(again.failureCode == .reportAlreadyAttested)
        #expect(try ledger.submit("verifier", ledger.attest("solar-2", vintage: 2026, 5, report: "report-A")).failureCode == .reportAlreadyAttested)
        #expect(ledger.state.vintages[ProjectVintage(projectID: "solar-1", vintage: 2025)]?.attestedKg == 120_000)
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", 1_000, report: "report-B")).succeeded)

        // The index is derived from the attestations: a state restored from its leaves refuses too.
        let state = ledger.state
        let leaves = state.allKeys.map { key in (key: key.bytes, value: state.value(of: key)!) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let restored = try LedgerState(
            genesis: ledger.genesis, restoring: leaves,
            at: StateCheckpoint(
                height: state.height, lastBlockHash: state.lastBlockHash, lastTimestampMillis: state.lastTimestampMillis,
                recentRoots: [state.height: state.roots(after: state.height)!]))
        #expect(restored.attestedReports == state.attestedReports)
        #expect(restored.attestedReports[SHA256.hash(Array("report-A".utf8))] == ProjectVintage(projectID: "solar-1", vintage: 2025))
    }

    @Test("INVARIANT attestation-within-limit: one attestation claims at most the genesis limit, so an absurd quantity cannot block a vintage")
    func attestationWithinLimit() throws {
        let ledger = try ledger()
        try ledger.submit("owner", ledger.register("solar-1"))
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", UInt64.max, report: "absurd")).failureCode == .exceedsLimit)
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", 1_000_001, report: "over")).failureCode == .exceedsLimit)
        #expect(ledger.state.vintages.isEmpty)
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", 1_000_000, report: "at-limit")).succeeded)
    }

    @Test("INVARIANT issuance-within-limit: one issuance creates at most the genesis limit of credits")
    func issuanceWithinLimit() throws {
        let ledger = try ledger()
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000_000))
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, 500_001)).failureCode == .exceedsLimit)
        #expect(ledger.state.creditBlocks.isEmpty)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, 500_000)).succeeded)
    }

    @Test("format 2 encodes its rules and reads them back; a format-1 genesis keeps its bytes and hash")
    func genesisFormats() throws {
        let modern = try ledger().genesis
        #expect(modern.formatVersion == 2 && modern.canonicalBytes.first == 2)
        #expect(try Genesis(canonicalBytes: modern.canonicalBytes) == modern)
        #expect(try Genesis(jsonData: modern.jsonData()) == modern)
        var legacy = modern
        legacy.rules = nil
        #expect(legacy.canonicalBytes.first == 1)
        #expect(try Genesis(canonicalBytes: legacy.canonicalBytes).rules == nil)
        #expect(legacy.hash != modern.hash)
        #expect(!String(decoding: legacy.jsonData(), as: UTF8.self).contains("rules"))
    }

    @Test("genesis rules are validated: ISO-shaped codes listed once with their ISO exponent, balances only in listed currencies")
    func rulesValidated() throws {
        func refusal(_ rules: LedgerRules, balances: [InitialBalance] = []) throws -> String? {
            do {
                _ = try TestLedger(extraBalances: balances, rules: rules)
                return nil
            } catch { return "\(error)" }
        }
        var rules = LedgerRulesTests.rules
        rules.currencies.append(CurrencyRule(code: "eur", exponent: 2))
        #expect(try refusal(rules)?.contains("rules.currencies[2].code") == true)
        rules = LedgerRulesTests.rules
        rules.currencies[1].exponent = 2
        #expect(try refusal(rules)?.contains("ISO 4217 gives JPY 0 decimals, not 2") == true)
        rules = LedgerRulesTests.rules
        rules.currencies.append(CurrencyRule(code: "EUR", exponent: 2))
        #expect(try refusal(rules)?.contains("EUR is listed twice") == true)
        #expect(try refusal(LedgerRulesTests.rules, balances: [InitialBalance(member: "fund", currency: "USD", amount: 5)])?.contains("USD is not one of the ledger's currencies") == true)
        #expect(try refusal(LedgerRulesTests.rules) == nil)
    }
}
