import LedgerCrypto

/// The corrections (format 2), modelled on registry practice: nothing is deleted, the
/// corrected record keeps what it was and gains why, when and by which transaction it was
/// corrected. Like every payload rule, each checks everything before it writes.
extension LedgerState {
    func revokeAttestation(_ body: RevokeAttestation, _ request: PayloadRequest) -> TransactionFailure? {
        let key = ProjectVintage(projectID: body.projectID, vintage: body.vintage)
        guard let list = attestations[key], Int(body.sequence) < list.count else {
            return TransactionFailure(.unknownAttestation, "\(key) has no attestation \(body.sequence) (it has \(attestations[key]?.count ?? 0))")
        }
        var attestation = list[Int(body.sequence)]
        guard attestation.verifier == request.sender else {  // INVARIANT(only-attester-revokes)
            return TransactionFailure(.notAttester, "attestation \(key)#\(body.sequence) was made by \(attestation.verifier); only its verifier may revoke it")
        }
        guard attestation.revocation == nil else {  // INVARIANT(revoked-once)
            return TransactionFailure(.attestationRevoked, "attestation \(key)#\(body.sequence) is already revoked")
        }
        if let failure = filled(body.reason, "the reason") { return failure }
        var account = vintages[key]!
        let remaining = account.attestedKg - attestation.quantityKg
        let standing = account.issuedKg - account.cancelledKg
        guard remaining >= standing else {  // INVARIANT(revocation-leaves-issued-backed)
            return TransactionFailure(
                .attestationBacksIssued,
                "\(key): \(standing) kg of issued credits stand (not cancelled); without this attestation only \(remaining) kg would back them — the registry must cancel \(standing - remaining) kg of credits first")
        }
        account.attestedKg = remaining
        setVintage(key, account)
        attestation.revocation = Correction(reason: body.reason, height: request.context.height, transactionID: request.transactionID)
        setAttestation(attestation)
        return nil
    }

    /// Cancels or suspends the first `quantity` units of an issued, unretired block.
    func correctCredits(_ body: CreditCorrection, to kind: CreditHold.Kind, _ request: PayloadRequest) -> TransactionFailure? {
        let block: CreditBlock
        switch correctableCredits(body) {
        case .failure(let failure): return failure
        case .success(let found): block = found
        }
        if kind == .suspended && block.hold?.kind == .suspended {
            return TransactionFailure(.creditsSuspended, "credits \(body.block) are already suspended")
        }
        if let failure = filled(body.reason, "the reason") { return failure }
        var (head, tail) = split(block, first: body.quantity)
        head.hold = CreditHold(
            kind: kind, correction: Correction(reason: body.reason, height: request.context.height, transactionID: request.transactionID))
        if kind == .cancelled {
            let key = ProjectVintage(projectID: block.id.projectID, vintage: block.id.vintage)
            var account = vintages[key]!
            account.cancelledKg += body.quantity  // ≤ issuedKg: the units were issued and are cancelled once
            setVintage(key, account)
        }
        setCreditBlock(head)
        if let tail { setCreditBlock(tail) }
        return nil
    }

    /// Lifts the suspension of the first `quantity` units of a suspended block.
    func reinstateCredits(_ body: CreditCorrection, _ request: PayloadRequest) -> TransactionFailure? {
        let block: CreditBlock
        switch correctableCredits(body) {
        case .failure(let failure): return failure
        case .success(let found): block = found
        }
        guard block.hold?.kind == .suspended else {
            return TransactionFailure(.creditsNotSuspended, "credits \(body.block) are not suspended; only suspended credits are reinstated")
        }
        if let failure = filled(body.reason, "the reason") { return failure }
        var (head, tail) = split(block, first: body.quantity)
        head.hold = nil
        setCreditBlock(head)
        if let tail { setCreditBlock(tail) }
        return nil
    }

    /// The block a registry may correct: it exists, is neither retired nor cancelled, and
    /// holds `quantity` units.
    private func correctableCredits(_ body: CreditCorrection) -> Result<CreditBlock, TransactionFailure> {
        guard body.quantity > 0 else { return .failure(TransactionFailure(.zeroAmount, "the quantity must be above zero")) }
        guard let block = creditBlocks[body.block] else {
            return .failure(TransactionFailure(.unknownCreditBlock, "no credit block starts at serial \(body.block)"))
        }
        guard block.retirement == nil else {  // INVARIANT(retired-never-corrected)
            return .failure(TransactionFailure(.creditsRetired, "credits \(body.block) are retired; a retirement is final"))
        }
        guard block.hold?.kind != .cancelled else {  // INVARIANT(cancelled-is-final)
            return .failure(TransactionFailure(.creditsCancelled, "credits \(body.block) are cancelled; a cancellation is final"))
        }
        guard body.quantity <= block.quantity else {
            return .failure(TransactionFailure(.quantityExceedsBlock, "credit block \(body.block) holds \(block.quantity), not \(body.quantity)"))
        }
        return .success(block)
    }
}
