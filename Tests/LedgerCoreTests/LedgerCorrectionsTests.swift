import LedgerCrypto
import Testing
@testable import LedgerCore

/// Corrections (genesis format 2): a verifier revokes its own attestation while the credits
/// it backs are not issued; a registry cancels (final), suspends and reinstates issued,
/// unretired credits. Nothing is deleted: the corrected record keeps what it was and says
/// why. Tests named `INVARIANT name:` are the ones `scripts/mutate-invariants` breaks.
@Suite("Corrections and format-2 records")
struct LedgerCorrectionsTests {
    func ledger() throws -> TestLedger { try TestLedger(rules: LedgerRulesTests.rules) }

    /// A project with 1,000 kg attested (sequence 0) and, when `issued` > 0, that many credits
    /// issued to the bank from serial 1.
    func project(issued: UInt64 = 0) throws -> TestLedger {
        let ledger = try ledger()
        try ledger.submit("owner", ledger.register("solar-1"))
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", 1_000, report: "report-A")).succeeded)
        if issued > 0 { #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, issued, to: "bank")).succeeded) }
        return ledger
    }

    func revoke(_ sequence: UInt32 = 0, reason: Text = "quantity misread") -> Payload {
        .revokeAttestation(RevokeAttestation(projectID: "solar-1", vintage: 2025, sequence: sequence, reason: reason))
    }

    func correction(first: UInt64 = 1, _ quantity: UInt64, reason: Text = "under review") -> CreditCorrection {
        CreditCorrection(block: CreditBlockID(projectID: "solar-1", vintage: 2025, firstSerial: first), quantity: quantity, reason: reason)
    }

    var vintage: ProjectVintage { ProjectVintage(projectID: "solar-1", vintage: 2025) }

    // MARK: - Format

    @Test("INVARIANT payload-format: a format-1 ledger refuses format-2 payloads, so every earlier binary can still decode its blocks")
    func formatOneRefusesFormatTwo() throws {
        let legacy = try TestLedger()
        let detailed = Payload.registerProject(RegisterProject(
            projectID: "p-1", name: "Solar", category: .renewableEnergy, location: "Gansu", owner: legacy.address("owner"), details: TestLedger.details))
        #expect(detailed.tag == 9 && detailed.format == 2)
        for payload in [detailed, .cancelCredits(correction(5))] {
            let transaction = try legacy.transaction("owner", payload, nonce: 1)
            #expect(legacy.state.rules.violation(transaction) != nil, "\(payload.kindName)")
            #expect(throws: BlockRejection.self) { try legacy.state.apply(legacy.block([transaction])) }
        }
        #expect(legacy.state.height == 0)
        #expect(try legacy.submit("owner", legacy.register("p-1")).succeeded)
    }

    @Test("INVARIANT format-two-records: a format-2 ledger needs a project's details and an attestation's monitoring period")
    func formatTwoNeedsRecords() throws {
        let ledger = try ledger()
        let bare = Payload.registerProject(RegisterProject(projectID: "p-1", name: "Solar", category: .renewableEnergy, location: "Gansu", owner: ledger.address("owner")))
        let unperiodic = Payload.attestReduction(AttestReduction(projectID: "p-1", vintage: 2025, quantityKg: 5, reportDigest: SHA256.hash([1])))
        for payload in [bare, unperiodic] {
            let transaction = try ledger.transaction("owner", payload, nonce: 1)
            let violation = try #require(ledger.state.rules.violation(transaction))
            #expect(violation.description.contains("format 2"))
            #expect(throws: BlockRejection.self) { try ledger.state.apply(ledger.block([transaction])) }
        }
        #expect(try ledger.submit("owner", ledger.register("p-1")).succeeded)
        #expect(ledger.state.projects["p-1"]?.details == TestLedger.details)
    }

    @Test("a certified block carrying a payload of the other format fails that transaction and changes nothing, never stops the node")
    func certifiedFormatViolationFails() throws {
        let legacy = try TestLedger()
        let transaction = try legacy.transaction("registry", .cancelCredits(correction(5)), nonce: 1)
        let execution = try legacy.state.applyCertified(legacy.block([transaction]))
        #expect(execution.receipts.first?.failureCode == .payloadFormat)
        #expect(legacy.state.account(legacy.address("registry"))?.nonce == 0)
    }

    @Test("the new payloads and records round-trip their canonical bytes; a monitoring period must hold the vintage")
    func codecRoundTrips() throws {
        let ledger = try project(issued: 100)
        let payloads: [Payload] = [
            ledger.register("p-9"), ledger.attest("solar-1", 7), revoke(), .cancelCredits(correction(3)), .suspendCredits(correction(4)),
            .reinstateCredits(correction(5)),
        ]
        for payload in payloads {
            #expect(try Payload(canonicalBytes: payload.canonicalBytes) == payload)
        }
        var outside = AttestReduction(projectID: "solar-1", vintage: 2030, quantityKg: 5, reportDigest: SHA256.hash([2]), monitoringPeriod: TestLedger.year(2025))
        #expect(throws: CodecError.self) { try Payload(canonicalBytes: Payload.attestReduction(outside).canonicalBytes) }
        outside.vintage = 2025
        #expect(try Payload(canonicalBytes: Payload.attestReduction(outside).canonicalBytes) == .attestReduction(outside))
        #expect(throws: LedgerError.self) { try LedgerDate("2025-02-29") }
        #expect(try LedgerDate("2024-02-29").number == 20_240_229)
        #expect(throws: LedgerError.self) { try CountryCode("XX") }
        #expect(throws: LedgerError.self) { try MonitoringPeriod(start: LedgerDate("2025-12-31"), end: LedgerDate("2025-01-01")) }
    }

    @Test("a monitoring period's dates out of range are refused, never trapped on", arguments: [UInt32.max, 655_360_000, 99_991_232, 18_991_231, 20_251_301, 20_250_230, 0])
    func undecodableDates(number: UInt32) throws {
        var writer = CanonicalWriter()
        writer.write(UInt8(10))
        writer.write(Identifier("p-1"))
        writer.write(UInt16(2025))
        writer.write(UInt64(5))
        writer.write(SHA256.hash([1]))
        writer.write(number)
        writer.write(UInt32(20_251_231))
        #expect(throws: CodecError.self) { try Payload(canonicalBytes: writer.bytes) }
    }

    @Test("a format-1 record keeps its bytes: a project without details encodes exactly as before")
    func formatOneRecordBytes() throws {
        let ledger = try TestLedger()
        try ledger.submit("owner", ledger.register("p-1"))
        let project = try #require(ledger.state.projects["p-1"])
        var withDetails = project
        withDetails.details = TestLedger.details
        #expect(withDetails.canonicalBytes.starts(with: project.canonicalBytes))
        #expect(withDetails.canonicalBytes.count > project.canonicalBytes.count)
        #expect(try Project(canonicalBytes: project.canonicalBytes) == project)
        #expect(try Project(canonicalBytes: withDetails.canonicalBytes) == withDetails)
    }

    // MARK: - Revocation

    @Test("a verifier revokes its attestation: the attested total drops, the record stays with its reason, and the report may be attested again")
    func revocation() throws {
        let ledger = try project()
        let receipt = try ledger.submit("verifier", revoke())
        #expect(receipt.succeeded)
        let attestation = try #require(ledger.state.attestations[vintage]?.first)
        #expect(attestation.revocation?.reason == "quantity misread")
        #expect(attestation.revocation?.transactionID == receipt.transactionID)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 0)
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 1, 1)).failureCode == .exceedsAttested)
        #expect(try ledger.submit("verifier", ledger.attest("solar-1", 900, report: "report-A")).succeeded)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 900)
        #expect(ledger.state.attestations[vintage]?.count == 2)
    }

    @Test("INVARIANT only-attester-revokes: only the verifier who made an attestation may revoke it")
    func onlyAttesterRevokes() throws {
        let ledger = try TestLedger(
            extraBalances: [], rules: LedgerRulesTests.rules, extraMembers: [("verifier2", [.verifier])])
        try ledger.submit("owner", ledger.register("solar-1"))
        try ledger.submit("verifier", ledger.attest("solar-1", 1_000))
        #expect(try ledger.submit("verifier2", revoke()).failureCode == .notAttester)
        #expect(ledger.state.attestations[vintage]?.first?.revocation == nil)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 1_000)
        #expect(try ledger.submit("bank", revoke()).failureCode == .roleNotPermitted)
    }

    @Test("INVARIANT revoked-once: an attestation is revoked once; the total never drops twice")
    func revokedOnce() throws {
        let ledger = try project()
        try ledger.submit("verifier", ledger.attest("solar-1", 500, report: "report-B"))
        #expect(try ledger.submit("verifier", revoke()).succeeded)
        #expect(try ledger.submit("verifier", revoke(reason: "again")).failureCode == .attestationRevoked)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 500)
        #expect(ledger.state.attestations[vintage]?.first?.revocation?.reason == "quantity misread")
        #expect(try ledger.submit("verifier", revoke(7)).failureCode == .unknownAttestation)
    }

    @Test("INVARIANT revocation-leaves-issued-backed: an attestation whose credits are issued cannot be revoked")
    func revocationLeavesIssuedBacked() throws {
        let ledger = try project(issued: 600)
        try ledger.submit("verifier", ledger.attest("solar-1", 500, report: "report-B"))
        let refused = try ledger.submit("verifier", revoke())
        #expect(refused.failureCode == .attestationBacksIssued)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 1_500)
        // The second attestation's 500 kg are not needed by the 600 issued: it may go.
        #expect(try ledger.submit("verifier", revoke(1, reason: "duplicate site")).succeeded)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 1_000)
        // Cancelled credits need no backing: once the registry cancels all 600, the first may go too.
        #expect(try ledger.submit("registry", .cancelCredits(correction(500, reason: "verification withdrawn"))).succeeded)
        #expect(try ledger.submit("verifier", revoke()).failureCode == .attestationBacksIssued)
        #expect(try ledger.submit("registry", .cancelCredits(correction(first: 501, 100, reason: "verification withdrawn"))).succeeded)
        #expect(ledger.state.vintages[vintage]?.cancelledKg == 600)
        #expect(try ledger.submit("verifier", revoke()).succeeded)
        #expect(ledger.state.vintages[vintage]?.attestedKg == 0)
        // The cancelled serials stay issued: nothing more can be issued against nothing.
        #expect(try ledger.submit("registry", ledger.issue("solar-1", first: 601, 1)).failureCode == .exceedsAttested)
    }

    @Test("a reason must say something", arguments: ["", "   "])
    func reasonRequired(reason: String) throws {
        let ledger = try project(issued: 100)
        #expect(try ledger.submit("verifier", revoke(reason: Text(reason))).failureCode == .emptyField)
        #expect(try ledger.submit("registry", .cancelCredits(correction(5, reason: Text(reason)))).failureCode == .emptyField)
    }

    // MARK: - Registry holds

    @Test("INVARIANT cancelled-never-move: cancelled credits never move or retire, and the rest of the block still does")
    func cancelledNeverMove() throws {
        let ledger = try project(issued: 100)
        let cancel = try ledger.submit("registry", .cancelCredits(correction(30, reason: "over-issued")))
        #expect(cancel.succeeded)
        let cancelled = try #require(ledger.state.creditBlocks[ledger.credits("solar-1", first: 1)])
        #expect(cancelled.status == .cancelled && cancelled.quantity == 30 && cancelled.hold?.correction.reason == "over-issued")
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 31)]?.status == .issued)
        let block = ledger.credits("solar-1", first: 1)
        #expect(try ledger.submit("bank", .transferCredits(TransferCredits(block: block, quantity: 10, to: ledger.address("fund")))).failureCode == .creditsCancelled)
        #expect(try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 10, beneficiary: "Acme", reason: "offset"))).failureCode == .creditsCancelled)
        #expect(ledger.state.creditBlocks[block]?.owner == ledger.address("bank"))
        #expect(try ledger.submit("bank", .transferCredits(TransferCredits(block: ledger.credits("solar-1", first: 31), quantity: 10, to: ledger.address("fund")))).succeeded)
    }

    @Test("INVARIANT suspended-never-move: suspended credits are frozen until the registry reinstates them")
    func suspendedNeverMove() throws {
        let ledger = try project(issued: 100)
        let block = ledger.credits("solar-1", first: 1)
        #expect(try ledger.submit("registry", .suspendCredits(correction(100))).succeeded)
        #expect(ledger.state.creditBlocks[block]?.status == .suspended)
        #expect(try ledger.submit("registry", .suspendCredits(correction(100))).failureCode == .creditsSuspended)
        #expect(try ledger.submit("bank", .transferCredits(TransferCredits(block: block, quantity: 1, to: ledger.address("fund")))).failureCode == .creditsSuspended)
        #expect(try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 1, beneficiary: "Acme", reason: "offset"))).failureCode == .creditsSuspended)
        #expect(try ledger.submit("registry", .reinstateCredits(correction(40, reason: "dispute settled"))).succeeded)
        #expect(ledger.state.creditBlocks[block]?.status == .issued)
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 41)]?.status == .suspended)
        #expect(try ledger.submit("bank", .retireCredits(RetireCredits(block: block, quantity: 40, beneficiary: "Acme", reason: "offset"))).succeeded)
        #expect(try ledger.submit("registry", .reinstateCredits(correction(first: 1, 40))).failureCode == .creditsRetired)
    }

    @Test("INVARIANT retired-never-corrected: a retirement is final; no registry correction touches it")
    func retiredNeverCorrected() throws {
        let ledger = try project(issued: 100)
        try ledger.submit("bank", .retireCredits(RetireCredits(block: ledger.credits("solar-1", first: 1), quantity: 100, beneficiary: "Acme", reason: "offset")))
        for payload: Payload in [.cancelCredits(correction(100)), .suspendCredits(correction(100))] {
            #expect(try ledger.submit("registry", payload).failureCode == .creditsRetired, "\(payload.kindName)")
        }
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 1)]?.status == .retired)
    }

    @Test("INVARIANT cancelled-is-final: a cancellation is never reinstated, suspended or cancelled again")
    func cancelledIsFinal() throws {
        let ledger = try project(issued: 100)
        #expect(try ledger.submit("registry", .suspendCredits(correction(100))).succeeded)
        #expect(try ledger.submit("registry", .cancelCredits(correction(60, reason: "fraud confirmed"))).succeeded)
        let block = ledger.credits("solar-1", first: 1)
        #expect(ledger.state.creditBlocks[block]?.status == .cancelled)
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 61)]?.status == .suspended)
        for payload: Payload in [.reinstateCredits(correction(60)), .suspendCredits(correction(60)), .cancelCredits(correction(60))] {
            #expect(try ledger.submit("registry", payload).failureCode == .creditsCancelled, "\(payload.kindName)")
        }
        #expect(ledger.state.creditBlocks[block]?.hold?.correction.reason == "fraud confirmed")
    }

    @Test("only a registry corrects credits, only within the block, and only what was issued")
    func registryOnly() throws {
        let ledger = try project(issued: 100)
        #expect(try ledger.submit("bank", .cancelCredits(correction(5))).failureCode == .roleNotPermitted)
        #expect(try ledger.submit("registry", .cancelCredits(correction(101))).failureCode == .quantityExceedsBlock)
        #expect(try ledger.submit("registry", .cancelCredits(correction(first: 2, 1))).failureCode == .unknownCreditBlock)
        #expect(try ledger.submit("registry", .reinstateCredits(correction(1))).failureCode == .creditsNotSuspended)
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 1)]?.status == .issued)
    }

    // MARK: - Restore and simulation

    @Test("a state restored from its leaves keeps every correction and record, with the same root, and refuses alike")
    func restoreKeepsCorrections() throws {
        let ledger = try project(issued: 100)
        try ledger.submit("verifier", ledger.attest("solar-1", 50, report: "report-B"))
        try ledger.submit("verifier", revoke(1, reason: "duplicate"))
        try ledger.submit("registry", .suspendCredits(correction(10)))
        try ledger.submit("registry", .cancelCredits(correction(first: 11, 5, reason: "double issuance")))
        let leaves = ledger.state.allKeys.map { (key: $0.bytes, value: ledger.state.value(of: $0)!) }
        let checkpoint = StateCheckpoint(
            height: ledger.state.height, lastBlockHash: ledger.state.lastBlockHash, lastTimestampMillis: ledger.state.lastTimestampMillis,
            recentRoots: [ledger.state.height: try #require(ledger.state.roots(after: ledger.state.height))])
        let restored = try LedgerState(genesis: ledger.genesis, restoring: leaves, at: checkpoint)
        #expect(restored.stateRoot == ledger.state.stateRoot)
        #expect(restored.creditBlocks == ledger.state.creditBlocks)
        #expect(restored.attestations == ledger.state.attestations)
        #expect(restored.projects == ledger.state.projects)
        // The revoked report may be attested again; the standing one may not.
        #expect(restored.attestedReports[SHA256.hash(Array("report-B".utf8))] == nil)
        #expect(restored.attestedReports[SHA256.hash(Array("report-A".utf8))] != nil)
    }

    @Test("a simulation returns the receipts a block would give, in order, and changes nothing")
    func simulationChangesNothing() throws {
        let ledger = try project(issued: 100)
        let root = ledger.state.stateRoot
        let nonce = ledger.state.account(ledger.address("bank"))!.nonce
        let transactions = [
            try ledger.transaction("bank", ledger.transfer(to: "fund", 60_000_000)),
            try ledger.transaction("bank", ledger.transfer(to: "fund", 60_000_000)),
            try ledger.transaction("bank", .cancelCredits(correction(5))),
            try ledger.transaction("registry", .cancelCredits(correction(5)), nonce: 99),
        ]
        let receipts = ledger.state.simulate(transactions)
        #expect(receipts.map(\.failureCode) == [nil, .insufficientFunds, .roleNotPermitted, nil])
        #expect(receipts.map(\.transactionID) == transactions.map(\.id))
        #expect(ledger.state.stateRoot == root)
        #expect(ledger.state.account(ledger.address("bank"))?.nonce == nonce)
        #expect(ledger.state.account(ledger.address("bank"))?.balance("EUR") == 100_000_000)
        #expect(ledger.state.creditBlocks[ledger.credits("solar-1", first: 1)]?.quantity == 100)
        // And the next real block is unaffected by what was simulated.
        #expect(try ledger.apply([transactions[0]]).first?.succeeded == true)
    }
}
