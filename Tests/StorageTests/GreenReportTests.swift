import Foundation
import LedgerCore
import LedgerCrypto
import Storage
import Testing
@testable import Audit

/// The reports over a green story built in-process, with blocks placed exactly on quarter and
/// year boundaries (UTC): exact figures, period bucketing, date filters and CSV quoting.
@Suite("Green-finance reports")
struct GreenReportTests {
    static let q1Last: UInt64 = 1_775_001_599_999  // 2026-03-31T23:59:59.999Z
    static let q2First: UInt64 = 1_775_001_600_000  // 2026-04-01T00:00:00.000Z
    static let yearLast: UInt64 = 1_798_761_599_999  // 2026-12-31T23:59:59.999Z
    static let nextYearFirst: UInt64 = 1_798_761_600_000  // 2027-01-01T00:00:00.000Z

    /// Runs the story, audits it with an observer, and returns what the reports need.
    func story(_ directory: TemporaryDirectory) async throws -> (GreenActivity, ReportScope, SyntheticChain) {
        let chain = try SyntheticChain(directory: directory.path, validators: 4, members: 6, roles: Role.allCases)
        let member = { (index: Int) in chain.memberKeys[index].publicKey.address }
        let solar = CreditBlockID(projectID: "solar-1", vintage: 2025, firstSerial: 1)
        try chain.append([
            try chain.transaction(from: 0, .registerProject(RegisterProject(
                projectID: "solar-1", name: "Solar, \"North\" Park", category: .renewableEnergy, location: "Gansu", owner: member(0)))),
            try chain.transaction(from: 1, .registerProject(RegisterProject(
                projectID: "bus-1", name: "City buses", category: .cleanTransportation, location: "Lyon", owner: member(1)))),
        ], timestampMillis: 1_768_478_400_000)  // 2026-01-15T12:00Z
        try chain.append([
            try chain.transfer(from: 2, to: 3, amount: 1_000, category: .renewableEnergy),
            try chain.transfer(from: 3, to: 4, amount: 500, category: .cleanTransportation),
            try chain.transaction(from: 5, .attestReduction(AttestReduction(projectID: "solar-1", vintage: 2025, quantityKg: 120_000, reportDigest: SHA256.hash([1])))),
        ], timestampMillis: Self.q1Last)
        try chain.append([
            try chain.transfer(from: 2, to: 3, amount: 2_000, category: .renewableEnergy),
            try chain.transfer(from: 4, to: 3, amount: 2_000_000_000_000, category: .renewableEnergy),  // fails: not counted
            try chain.transaction(from: 5, .issueCredits(IssueCredits(projectID: "solar-1", vintage: 2025, firstSerial: 1, quantity: 100_000, owner: member(0)))),
        ], timestampMillis: Self.q2First)
        try chain.append([
            try chain.transaction(from: 0, .retireCredits(RetireCredits(block: solar, quantity: 5_000, beneficiary: "Acme, Inc.", reason: "2026 offset"))),
            try chain.transaction(from: 1, .issueBond(IssueBond(bondID: "GB-1", currency: "EUR", faceValue: 1_000_000_000, termMonths: 60, eligibleCategories: [.cleanTransportation, .renewableEnergy]))),
        ], timestampMillis: Self.yearLast)
        try chain.append([
            try chain.transaction(from: 1, .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "solar-1", amount: 250_000_000))),
            try chain.transaction(from: 1, .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "bus-1", amount: 50_000_000))),
            try chain.transaction(from: 0, .retireCredits(RetireCredits(
                block: CreditBlockID(projectID: "solar-1", vintage: 2025, firstSerial: 5_001), quantity: 1_000, beneficiary: "B", reason: "r"))),
        ], timestampMillis: Self.nextYearFirst)
        let activity = GreenActivity()
        let report = await ChainAuditor(genesis: chain.genesis).audit(
            try LedgerStore.openForAudit(directory: directory.path), options: .init(observer: activity))
        #expect(report.passed, "\(String(describing: report.failure))")
        #expect(report.transactionsChecked == 13)
        return (activity, ReportScope(report), chain)
    }

    typealias Line = FlowReport.Line

    @Test("flows by quarter, month and year bucket at the exact UTC boundaries; failed transfers do not count")
    func flows() async throws {
        let directory = try TemporaryDirectory()
        let (activity, scope, _) = try await story(directory)
        let quarter = FlowReport(activity, scope: scope, period: .quarter)
        #expect(quarter.lines == [
            Line(period: "2026-Q1", category: "renewable-energy", currency: "EUR", amount: 1_000, transfers: 1),
            Line(period: "2026-Q1", category: "clean-transportation", currency: "EUR", amount: 500, transfers: 1),
            Line(period: "2026-Q2", category: "renewable-energy", currency: "EUR", amount: 2_000, transfers: 1),
            Line(period: "2027-Q1", category: "renewable-energy", currency: "EUR", amount: 250_000_000, transfers: 1),
            Line(period: "2027-Q1", category: "clean-transportation", currency: "EUR", amount: 50_000_000, transfers: 1),
        ])
        #expect(quarter.totals == [
            .init(category: "renewable-energy", currency: "EUR", amount: 250_003_000, transfers: 3),
            .init(category: "clean-transportation", currency: "EUR", amount: 50_000_500, transfers: 2),
        ])
        #expect(FlowReport(activity, scope: scope, period: .month).lines.map(\.period) == ["2026-03", "2026-03", "2026-04", "2027-01", "2027-01"])
        let year = FlowReport(activity, scope: scope, period: .year)
        #expect(year.lines.map { "\($0.period) \($0.category) \($0.amount) \($0.transfers)" } == [
            "2026 renewable-energy 3000 2", "2026 clean-transportation 500 1",
            "2027 renewable-energy 250000000 1", "2027 clean-transportation 50000000 1",
        ])
        let q2Only = FlowReport(activity, scope: scope, period: .quarter, fromDate: CalendarDay(text: "2026-04-01"), toDate: CalendarDay(text: "2026-12-31"))
        #expect(q2Only.lines == [Line(period: "2026-Q2", category: "renewable-energy", currency: "EUR", amount: 2_000, transfers: 1)])
        #expect(q2Only.totals.map(\.amount) == [2_000])
        let text = quarter.text
        #expect(text.hasPrefix("Green capital flows by quarter (UTC): chain synthetic, genesis \(scope.genesisHash), blocks 1…5 (audited)"))
        #expect(text.contains("  2027-Q1  renewable-energy      2,500,000.00 EUR          1\n"), "\(text)")
        #expect(quarter.table.csv.hasPrefix("period,category,currency,amount_minor,transfers\r\n2026-Q1,renewable-energy,EUR,1000,1\r\n"))
        #expect(quarter.table.csv.hasSuffix("total,clean-transportation,EUR,50000500,2\r\n"))
    }

    @Test("credits per project and vintage, with every retirement's serials, and CSV quoting of names")
    func credits() async throws {
        let directory = try TemporaryDirectory()
        let (activity, scope, _) = try await story(directory)
        let report = CreditReport(try #require(activity.finalState), scope: scope)
        #expect(report.lines == [CreditReport.Line(
            projectID: "solar-1", projectName: "Solar, \"North\" Park", category: "renewable-energy", vintage: 2025, hostCountry: nil,
            attestedKg: 120_000, revokedKg: 0, issuedKg: 100_000, heldKg: 94_000, suspendedKg: 0, retiredKg: 6_000, cancelledKg: 0, retirements: 2)])
        #expect(report.totals == CreditReport.Totals(
            attestedKg: 120_000, revokedKg: 0, issuedKg: 100_000, heldKg: 94_000, suspendedKg: 0, retiredKg: 6_000, cancelledKg: 0, retirements: 2))
        #expect(report.retirements.map { "\($0.height) \($0.firstSerial)-\($0.lastSerial) \($0.quantityKg) \($0.beneficiary)" } == [
            "4 1-5000 5000 Acme, Inc.", "5 5001-6000 1000 B",
        ])
        #expect(report.table.csv == """
            project_id,project_name,category,country,vintage,attested_kg,revoked_kg,issued_kg,held_kg,suspended_kg,retired_kg,cancelled_kg,retirements\r
            solar-1,"Solar, ""North"" Park",renewable-energy,,2025,120000,0,100000,94000,0,6000,0,2\r
            total,,,,,120000,0,100000,94000,0,6000,0,2\r

            """)
        #expect(report.text.contains("Acme, Inc."))
    }

    @Test("bond allocation report: per project, per eligible category and unallocated, with shares of proceeds")
    func bonds() async throws {
        let directory = try TemporaryDirectory()
        let (activity, scope, chain) = try await story(directory)
        let report = BondReport(try #require(activity.finalState), scope: scope)
        let bond = try #require(report.bonds.first)
        #expect(report.bonds.count == 1)
        #expect(bond.issuer == chain.memberKeys[1].publicKey.address.description)
        #expect((bond.faceValue, bond.allocated, bond.unallocated, bond.allocatedPercent) == (1_000_000_000, 300_000_000, 700_000_000, "30.00"))
        #expect(bond.projects.map { "\($0.projectID) \($0.category) \($0.amount) \($0.sharePercent)" } == [
            "bus-1 clean-transportation 50000000 5.00", "solar-1 renewable-energy 250000000 25.00",
        ])
        #expect(bond.categories.map { "\($0.category) \($0.amount) \($0.sharePercent)" } == [
            "renewable-energy 250000000 25.00", "clean-transportation 50000000 5.00",
        ])
        #expect(bond.unallocatedPercent == "70.00")
        #expect(report.table.csv.contains("\r\nGB-1,\(bond.issuer),EUR,1000000000,unallocated,,,,700000000,70.00\r\n"))
        #expect(report.text.contains("allocated    3,000,000.00 EUR, 30.00%"), "\(report.text)")
    }

    @Test("calendar days, percentages and CSV fields are exact")
    func formatting() {
        #expect(CalendarDay(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CalendarDay(daysSinceEpoch: -1).description == "1969-12-31")
        #expect(CalendarDay(daysSinceEpoch: 11_016).description == "2000-02-29")
        #expect(CalendarDay(text: "2026-04-01")?.daysSinceEpoch == 20_544)
        #expect(CalendarDay(text: "2026-02-29") == nil)
        #expect(CalendarDay(text: "2026-4-01") == nil)
        #expect(ReportPeriod.quarter.label(of: CalendarDay(daysSinceEpoch: 20_544)) == "2026-Q2")
        #expect(ReportPeriod.quarter.label(of: CalendarDay(daysSinceEpoch: 20_543)) == "2026-Q1")
        #expect(ReportFormat.percent(1, of: 3) == "33.33")
        #expect(ReportFormat.percent(2, of: 3) == "66.66")
        #expect(ReportFormat.percent(ExactAmount(UInt64.max), of: ExactAmount(UInt64.max)) == "100.00")
        #expect(ReportFormat.percent(ExactAmount(UInt128(UInt64.max) * 3), of: ExactAmount(UInt128(UInt64.max) * 4)) == "75.00")
        #expect(ReportTable.csvField("plain") == "plain")
        #expect(ReportTable.csvField("a,b") == "\"a,b\"")
        #expect(ReportTable.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportTable.csvField("two\r\nlines") == "\"two\r\nlines\"")
    }

    @Test("the chain export round-trips every stored byte and refuses trailing bytes")
    func chainExportRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 3, in: directory)
        let entries = try chain.store.exportEntries(1...10)
        #expect(entries.map(\.raw.height) == [1, 2, 3])
        let reader = try LedgerStore.openForAudit(directory: directory.path)
        #expect(entries.map(\.raw) == (try reader.rawBlocks(1...3)))
        let bytes = ChainExport.assemble(entries.map(ChainExport.encode))
        #expect(try ChainExport.decode(bytes) == entries)
        #expect(throws: CodecError.self) { try ChainExport.decode(bytes + [0]) }
        #expect(throws: CodecError.self) { try ChainExport.decode(Array(bytes.dropLast())) }
    }
}
