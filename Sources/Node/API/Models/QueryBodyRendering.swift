import LedgerCore
import Storage

/// Query records → JSON bodies.
extension ListBody {
    init<Record>(_ page: Page<Record>, _ render: (Record) -> Item) {
        self.init(items: page.items.map(render), next: page.next, height: page.height)
    }
}

extension AccountBody {
    init(_ record: AccountRecord) {
        self.init(
            address: record.address, nonce: record.nonce,
            balances: record.balances.map { BalanceBody(currency: $0.currency, amount: String($0.amount)) })
    }
}

extension ProjectBody {
    init(_ record: ProjectRecord) {
        self.init(
            projectId: record.projectID, name: record.name, category: record.category, location: record.location, owner: record.owner,
            registeredHeight: record.registeredHeight, hostCountry: record.hostCountry, methodology: record.methodology, program: record.program)
    }
}

extension ProjectDetailBody {
    init(_ detail: ProjectDetail, height: UInt64) {
        self.init(
            project: ProjectBody(detail.project),
            vintages: detail.vintages.map {
                VintageBody(
                    vintage: $0.vintage, attestedKg: String($0.attestedKg), revokedKg: String($0.revokedKg), issuedKg: String($0.issuedKg),
                    retiredKg: String($0.retiredKg), cancelledKg: String($0.cancelledKg), heldKg: String($0.heldKg),
                    suspendedKg: String($0.suspendedKg), attestationCount: $0.attestationCount)
            },
            height: height)
    }
}

extension AttestationBody {
    init(_ record: AttestationRecord) {
        self.init(
            projectId: record.projectID, vintage: record.vintage, sequence: record.sequence, verifier: record.verifier,
            quantityKg: String(record.quantityKg), reportSha256: record.reportSHA256, height: record.height,
            periodStart: record.periodStart, periodEnd: record.periodEnd, revocation: record.revocation.map(CorrectionBody.init))
    }
}

extension CreditBlockBody {
    init(_ record: CreditBlockRecord) {
        self.init(
            projectId: record.projectID, vintage: record.vintage, firstSerial: String(record.firstSerial),
            lastSerial: String(record.lastSerial), quantityKg: String(record.quantity), owner: record.owner,
            status: record.status.rawValue,
            retirement: record.retirement.map {
                RetirementBody(beneficiary: $0.beneficiary, reason: $0.reason, height: $0.height, transactionId: $0.transactionID)
            },
            hold: record.hold.map(CorrectionBody.init))
    }
}

extension CorrectionBody {
    init(_ record: CorrectionRecord) {
        self.init(reason: record.reason, height: record.height, transactionId: record.transactionID)
    }
}

extension BondBody {
    init(_ record: BondRecord) {
        self.init(
            bondId: record.bondID, issuer: record.issuer, currency: record.currency, faceValue: String(record.faceValue),
            allocated: String(record.allocated), unallocated: String(record.unallocated), termMonths: record.termMonths,
            eligibleCategories: record.eligibleCategories)
    }
}

extension BondDetailBody {
    init(_ detail: BondDetail, height: UInt64) {
        self.init(
            bond: BondBody(detail.bond),
            allocations: detail.allocations.map { AllocationBody(projectId: $0.projectID, category: $0.category, amount: String($0.amount)) },
            categoryTotals: detail.categoryTotals.map { CategoryTotalBody(category: $0.category, amount: String($0.amount)) },
            height: height)
    }
}

extension TransactionSummaryBody {
    init(_ record: TransactionRecord) {
        self.init(
            id: record.transactionID, height: record.height, position: record.position, sender: record.sender, nonce: record.nonce,
            kind: record.kind, success: record.success,
            failure: record.failureCode.map { ErrorDetail(code: $0, message: record.failureMessage ?? "") })
    }
}

extension BlockSummaryBody {
    init(_ record: BlockSummary) {
        self.init(height: record.height, hash: record.hash, timestampMillis: record.timestampMillis, transactionCount: record.transactionCount)
    }
}
