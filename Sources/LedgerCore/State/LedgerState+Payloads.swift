import LedgerCrypto

/// The rules of each payload. Each function checks everything first and writes only after
/// every check passed, so a failure changes nothing (the nonce was used up by the caller).
/// Lines marked `INVARIANT(name)` are the guarded invariants that `scripts/mutate-invariants`
/// disables one at a time to show a named test then fails.
extension LedgerState {
    func apply(_ payload: Payload, _ request: PayloadRequest) -> TransactionFailure? {
        guard LedgerState.permits(request.member, payload) else {  // INVARIANT(role-permits-payload)
            let roles = LedgerState.permittedRoles(for: payload).map(\.name).joined(separator: " or ")
            return TransactionFailure(.roleNotPermitted, "\(payload.kindName) needs the role \(roles); \(request.member.name) has \(request.member.roles.map(\.name).joined(separator: ", "))")
        }
        switch payload {
        case .transferFunds(let body): return transferFunds(body, request)
        case .registerProject(let body): return registerProject(body, request)
        case .attestReduction(let body): return attestReduction(body, request)
        case .issueCredits(let body): return issueCredits(body, request)
        case .transferCredits(let body): return transferCredits(body, request)
        case .retireCredits(let body): return retireCredits(body, request)
        case .issueBond(let body): return issueBond(body, request)
        case .allocateProceeds(let body): return allocateProceeds(body, request)
        case .revokeAttestation(let body): return revokeAttestation(body, request)
        case .cancelCredits(let body): return correctCredits(body, to: .cancelled, request)
        case .suspendCredits(let body): return correctCredits(body, to: .suspended, request)
        case .reinstateCredits(let body): return reinstateCredits(body, request)
        }
    }

    /// Which roles may send each payload.
    public static func permittedRoles(for payload: Payload) -> [Role] {
        switch payload {
        case .transferFunds: [.participant, .issuer]
        case .registerProject: [.participant, .issuer]
        case .attestReduction: [.verifier]
        case .issueCredits: [.registry]
        case .transferCredits, .retireCredits: [.participant]
        case .issueBond, .allocateProceeds: [.issuer]
        case .revokeAttestation: [.verifier]
        case .cancelCredits, .suspendCredits, .reinstateCredits: [.registry]
        }
    }

    static func permits(_ member: Member, _ payload: Payload) -> Bool {
        permittedRoles(for: payload).contains { member.has($0) }
    }

    private func transferFunds(_ body: TransferFunds, _ request: PayloadRequest) -> TransactionFailure? {
        guard body.amount > 0 else { return TransactionFailure(.zeroAmount, "the amount must be above zero") }
        guard genesis.rules == nil || body.to != request.sender else {  // INVARIANT(no-self-transfer)
            return TransactionFailure(.selfTransfer, "a transfer to oneself moves nothing; it is not a green flow")
        }
        if let failure = listedCurrency(body.currency) { return failure }
        guard membersByAddress[body.to] != nil else {  // INVARIANT(recipient-is-member)
            return TransactionFailure(.unknownRecipient, "recipient \(body.to) is not a member of this ledger")
        }
        return moveFunds(from: request.sender, to: body.to, currency: body.currency, amount: body.amount)
    }

    /// Moves funds between two accounts, conserving the total per currency.
    private func moveFunds(from sender: Address, to recipient: Address, currency: Identifier, amount: UInt64) -> TransactionFailure? {
        var source = accounts[sender]!
        let available = source.balance(currency)
        guard available >= amount else {  // INVARIANT(no-negative-balance)
            return TransactionFailure(.insufficientFunds, "\(sender) holds \(available) \(currency), needs \(amount)")
        }
        if sender == recipient { return nil }
        var destination = accounts[recipient]!
        let (credited, overflow) = destination.balance(currency).addingReportingOverflow(amount)
        guard !overflow else {  // INVARIANT(no-overflow)
            return TransactionFailure(.amountOverflow, "crediting \(amount) \(currency) to \(recipient) would overflow")
        }
        source.balances[currency] = available - amount
        if source.balances[currency] == 0 { source.balances[currency] = nil }
        destination.balances[currency] = credited
        setAccount(sender, source)
        setAccount(recipient, destination)
        return nil
    }

    /// With genesis rules: `currency` must be one of the ledger's currencies.
    private func listedCurrency(_ currency: Identifier) -> TransactionFailure? {
        guard let rules = genesis.rules else { return nil }
        guard rules.currency(currency) != nil else {  // INVARIANT(currency-listed)
            return TransactionFailure(
                .unknownCurrency,
                "\(currency) is not one of this ledger's currencies (\(rules.currencies.map(\.code.value).joined(separator: ", ")); codes are case-sensitive")
        }
        return nil
    }

    /// With genesis rules: a name, beneficiary or reason must hold more than spaces.
    func filled(_ text: Text, _ what: String) -> TransactionFailure? {
        guard genesis.rules == nil || !LedgerState.isBlank(text) else {  // INVARIANT(names-not-empty)
            return TransactionFailure(.emptyField, "\(what) is empty; a record must say it")
        }
        return nil
    }

    /// The Unicode White_Space scalars Text may hold (it holds no control characters), listed
    /// here rather than asked of the Unicode tables: a consensus rule must not move with the
    /// Unicode version of whichever Swift runtime a validator or an auditor runs.
    static let blankScalars = Set<UInt32>([0x20, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000] + Array(0x2000...0x200A))

    /// True when `text` is empty or only spaces.
    static func isBlank(_ text: Text) -> Bool { text.value.unicodeScalars.allSatisfy { blankScalars.contains($0.value) } }

    private func registerProject(_ body: RegisterProject, _ request: PayloadRequest) -> TransactionFailure? {
        if let failure = filled(body.name, "the project's name") { return failure }
        guard projects[body.projectID] == nil else {  // INVARIANT(project-unique)
            return TransactionFailure(.projectExists, "project \(body.projectID) is already registered")
        }
        guard membersByAddress[body.owner] != nil else {
            return TransactionFailure(.unknownRecipient, "owner \(body.owner) is not a member of this ledger")
        }
        setProject(Project(
            projectID: body.projectID, name: body.name, category: body.category, location: body.location, owner: body.owner,
            registeredAtHeight: request.context.height, details: body.details))
        return nil
    }

    private func attestReduction(_ body: AttestReduction, _ request: PayloadRequest) -> TransactionFailure? {
        guard body.quantityKg > 0 else { return TransactionFailure(.zeroAmount, "the attested quantity must be above zero") }
        guard projects[body.projectID] != nil else {
            return TransactionFailure(.unknownProject, "project \(body.projectID) is not registered")
        }
        if let rules = genesis.rules {
            guard body.quantityKg <= rules.attestationKgMax else {  // INVARIANT(attestation-within-limit)
                return TransactionFailure(.exceedsLimit, "\(body.quantityKg) kg is above this ledger's limit of \(rules.attestationKgMax) kg per attestation")
            }
            guard attestedReports[body.reportDigest] == nil else {  // INVARIANT(report-attested-once)
                let earlier = attestedReports[body.reportDigest].map { "\($0.projectID) vintage \($0.vintage)" } ?? ""
                return TransactionFailure(
                    .reportAlreadyAttested, "the verification report \(body.reportDigest.shortHex)… is already attested (\(earlier)); one report counts once")
            }
        }
        let key = ProjectVintage(projectID: body.projectID, vintage: body.vintage)
        var account = vintages[key] ?? VintageAccount()
        let (attested, overflow) = account.attestedKg.addingReportingOverflow(body.quantityKg)
        guard !overflow else {  // INVARIANT(no-overflow-attested)
            return TransactionFailure(.amountOverflow, "attested total for \(key) would overflow")
        }
        account.attestedKg = attested
        let sequence = account.attestationCount
        account.attestationCount += 1
        setVintage(key, account)
        appendAttestation(Attestation(
            projectID: body.projectID, vintage: body.vintage, sequence: sequence, verifier: request.sender,
            quantityKg: body.quantityKg, reportDigest: body.reportDigest, height: request.context.height,
            monitoringPeriod: body.monitoringPeriod))
        return nil
    }

    private func issueCredits(_ body: IssueCredits, _ request: PayloadRequest) -> TransactionFailure? {
        guard body.quantity > 0 else { return TransactionFailure(.zeroAmount, "the quantity must be above zero") }
        guard projects[body.projectID] != nil else {
            return TransactionFailure(.unknownProject, "project \(body.projectID) is not registered")
        }
        guard membersByAddress[body.owner] != nil else {
            return TransactionFailure(.unknownRecipient, "owner \(body.owner) is not a member of this ledger")
        }
        guard genesis.rules.map({ body.quantity <= $0.issuanceMax }) ?? true else {  // INVARIANT(issuance-within-limit)
            return TransactionFailure(.exceedsLimit, "\(body.quantity) credits is above this ledger's limit of \(genesis.rules?.issuanceMax ?? 0) per issuance")
        }
        let key = ProjectVintage(projectID: body.projectID, vintage: body.vintage)
        var account = vintages[key] ?? VintageAccount()
        let (issued, overflow) = account.issuedKg.addingReportingOverflow(body.quantity)
        guard !overflow && issued <= account.attestedKg else {  // INVARIANT(issued-within-attested)
            return TransactionFailure(
                .exceedsAttested,
                "\(key): \(account.attestedKg) kg attested, \(account.issuedKg) kg already issued; \(body.quantity) more exceeds it")
        }
        guard body.firstSerial == account.issuedKg + 1 else {  // INVARIANT(serials-unique)
            return TransactionFailure(
                .serialNotNext,
                "\(key): the next serial is \(account.issuedKg + 1), not \(body.firstSerial); serial ranges never overlap or skip")
        }
        account.issuedKg = issued
        setVintage(key, account)
        let id = CreditBlockID(projectID: body.projectID, vintage: body.vintage, firstSerial: body.firstSerial)
        setCreditBlock(CreditBlock(id: id, quantity: body.quantity, owner: body.owner, retirement: nil))
        return nil
    }

    /// Checks the sender may move `quantity` units of block `id`; returns the block.
    private func movableCredits(_ id: CreditBlockID, quantity: UInt64, _ request: PayloadRequest) -> Result<CreditBlock, TransactionFailure> {
        guard quantity > 0 else { return .failure(TransactionFailure(.zeroAmount, "the quantity must be above zero")) }
        guard let block = creditBlocks[id] else {
            return .failure(TransactionFailure(.unknownCreditBlock, "no credit block starts at serial \(id)"))
        }
        guard block.retirement == nil else {  // INVARIANT(retired-never-move)
            return .failure(TransactionFailure(.creditsRetired, "credits \(id) are retired and can never move again"))
        }
        if let hold = block.hold {
            guard hold.kind != .cancelled else {  // INVARIANT(cancelled-never-move)
                return .failure(TransactionFailure(
                    .creditsCancelled, "credits \(id) were cancelled by the registry (\(hold.correction.reason)) and can never move or retire"))
            }
            guard hold.kind != .suspended else {  // INVARIANT(suspended-never-move)
                return .failure(TransactionFailure(
                    .creditsSuspended, "credits \(id) are suspended by the registry (\(hold.correction.reason)) until it reinstates them"))
            }
        }
        guard block.owner == request.sender else {  // INVARIANT(only-owner-moves-credits)
            return .failure(TransactionFailure(.notOwner, "credits \(id) belong to \(block.owner), not \(request.sender)"))
        }
        guard quantity <= block.quantity else {  // INVARIANT(credits-conserved)
            return .failure(TransactionFailure(.quantityExceedsBlock, "credit block \(id) holds \(block.quantity), not \(quantity)"))
        }
        return .success(block)
    }

    /// Splits the first `quantity` units off `block` into a new block; the remainder keeps
    /// the rest of the serials. Units are conserved.
    func split(_ block: CreditBlock, first quantity: UInt64) -> (head: CreditBlock, tail: CreditBlock?) {
        var head = block
        head.quantity = quantity
        guard quantity < block.quantity else { return (head, nil) }
        var tail = block
        tail.id.firstSerial = block.id.firstSerial + quantity
        tail.quantity = block.quantity - quantity
        return (head, tail)
    }

    private func transferCredits(_ body: TransferCredits, _ request: PayloadRequest) -> TransactionFailure? {
        let block: CreditBlock
        switch movableCredits(body.block, quantity: body.quantity, request) {
        case .failure(let failure): return failure
        case .success(let found): block = found
        }
        guard membersByAddress[body.to] != nil else {
            return TransactionFailure(.unknownRecipient, "recipient \(body.to) is not a member of this ledger")
        }
        var (head, tail) = split(block, first: body.quantity)
        head.owner = body.to
        setCreditBlock(head)
        if let tail { setCreditBlock(tail) }
        return nil
    }

    private func retireCredits(_ body: RetireCredits, _ request: PayloadRequest) -> TransactionFailure? {
        let block: CreditBlock
        switch movableCredits(body.block, quantity: body.quantity, request) {
        case .failure(let failure): return failure
        case .success(let found): block = found
        }
        if let failure = filled(body.beneficiary, "the beneficiary") ?? filled(body.reason, "the reason") { return failure }
        let key = ProjectVintage(projectID: block.id.projectID, vintage: block.id.vintage)
        var account = vintages[key]!
        var (head, tail) = split(block, first: body.quantity)
        head.retirement = Retirement(
            beneficiary: body.beneficiary, reason: body.reason, height: request.context.height, transactionID: request.transactionID)
        account.retiredKg += body.quantity
        setVintage(key, account)
        setCreditBlock(head)
        if let tail { setCreditBlock(tail) }
        return nil
    }

    private func issueBond(_ body: IssueBond, _ request: PayloadRequest) -> TransactionFailure? {
        guard bonds[body.bondID] == nil else {  // INVARIANT(bond-unique)
            return TransactionFailure(.bondExists, "bond \(body.bondID) already exists")
        }
        guard body.faceValue > 0 else { return TransactionFailure(.zeroAmount, "the face value must be above zero") }
        if let failure = listedCurrency(body.currency) { return failure }
        guard !body.eligibleCategories.isEmpty else {
            return TransactionFailure(.invalidBond, "a green bond needs at least one eligible category")
        }
        setBond(Bond(
            bondID: body.bondID, issuer: request.sender, currency: body.currency, faceValue: body.faceValue,
            termMonths: body.termMonths, eligibleCategories: body.eligibleCategories, allocated: 0))
        return nil
    }

    private func allocateProceeds(_ body: AllocateProceeds, _ request: PayloadRequest) -> TransactionFailure? {
        guard body.amount > 0 else { return TransactionFailure(.zeroAmount, "the amount must be above zero") }
        guard var bond = bonds[body.bondID] else {
            return TransactionFailure(.unknownBond, "bond \(body.bondID) does not exist")
        }
        guard bond.issuer == request.sender else {  // INVARIANT(only-issuer-allocates)
            return TransactionFailure(.notBondIssuer, "bond \(body.bondID) was issued by \(bond.issuer), not \(request.sender)")
        }
        guard let project = projects[body.projectID] else {
            return TransactionFailure(.unknownProject, "project \(body.projectID) is not registered")
        }
        guard bond.eligibleCategories.contains(project.category) else {  // INVARIANT(allocation-category-eligible)
            return TransactionFailure(
                .categoryNotEligible,
                "project \(body.projectID) is \(project.category), not among bond \(body.bondID)'s eligible categories: \(bond.eligibleCategories.map(\.name).joined(separator: ", "))")
        }
        guard body.amount <= bond.unallocated else {  // INVARIANT(allocations-within-proceeds)
            return TransactionFailure(
                .exceedsProceeds, "bond \(body.bondID) has \(bond.unallocated) \(bond.currency) unallocated, not \(body.amount)")
        }
        if let failure = moveFunds(from: request.sender, to: project.owner, currency: bond.currency, amount: body.amount) {
            return failure
        }
        bond.allocated += body.amount
        setBond(bond)
        let key = BondProject(bondID: body.bondID, projectID: body.projectID)
        setAllocation(key, (allocations[key] ?? 0) + body.amount)
        return nil
    }
}
