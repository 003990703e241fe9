import LedgerCrypto
import Testing
@testable import LedgerCore

/// A three-block chain under a four-validator genesis, certified by validators 0, 1 and 2:
/// block 1 holds a transfer that succeeds and a retirement of credits that do not exist
/// (fails at execution); blocks 2 and 3 hold one transfer each. With stateRootLag 1 the
/// receipts of block 1 are certified by the header of block 2.
final class ProofChain {
    let ledger: TestLedger
    let genesis: Genesis
    let validatorKeys: [SigningKey]
    var blocks: [Block] = []
    var certificates: [CommitCertificate] = []
    var receipts: [[Receipt]] = []

    init() throws {
        ledger = try TestLedger()
        validatorKeys = try (0..<4).map { _ in try SigningKey() }
        var genesis = ledger.genesis
        genesis.validators = try validatorKeys.enumerated().map { index, key in
            ValidatorInfo(name: try Identifier("validator-\(index)"), publicKey: key.publicKey, host: "127.0.0.1", port: UInt16(7_000 + index))
        }
        self.genesis = genesis
        let retire = Payload.retireCredits(RetireCredits(
            block: ledger.credits("no-such-project", first: 1), quantity: 5, beneficiary: "Acme", reason: "offset"))
        try add([try ledger.transaction("bank", ledger.transfer(to: "fund", 10_000)), try ledger.transaction("bank", retire)])
        try add([try ledger.transaction("bank", ledger.transfer(to: "owner", 500))])
        try add([try ledger.transaction("issuer", ledger.transfer(to: "owner", 700))])
    }

    private func add(_ transactions: [Transaction]) throws {
        let block = ledger.block(transactions)
        receipts.append(try ledger.state.apply(block).receipts)
        blocks.append(block)
        certificates.append(try certificate(for: block.header, signers: [0, 1, 2]))
    }

    func certificate(for header: BlockHeader, signers: [Int], view: UInt64 = 0) throws -> CommitCertificate {
        let digest = VoteDigest.compute(
            kind: .commit, chainID: genesis.chainID, genesisHash: genesis.hash, view: view, height: header.height, digest: header.hash)
        return CommitCertificate(
            view: view, height: header.height, blockHash: header.hash,
            signatures: try signers.map { ValidatorSignature(validatorIndex: UInt16($0), signature: try validatorKeys[$0].sign(digest: digest)) })
    }

    /// The proof of the transaction at `position` of block `height`, receipts certified by `height + 1`.
    func proof(height: Int, position: Int) throws -> TransactionProof {
        try #require(TransactionProof(
            position: position, in: blocks[height - 1], certificate: certificates[height - 1], receipts: receipts[height - 1],
            receiptHeader: blocks[height].header, receiptCertificate: certificates[height]))
    }
}

extension TransactionProof {
    /// A copy with some parts replaced, for tampering.
    func with(
        transaction: Transaction? = nil, header: BlockHeader? = nil, certificate: CommitCertificate? = nil, inclusion: MerkleProof? = nil,
        receipt: Receipt? = nil, receiptInclusion: MerkleProof? = nil, receiptHeader: BlockHeader? = nil,
        receiptCertificate: CommitCertificate? = nil
    ) -> TransactionProof {
        TransactionProof(
            transaction: transaction ?? self.transaction, header: header ?? self.header, certificate: certificate ?? self.certificate,
            inclusion: inclusion ?? self.inclusion, receipt: receipt ?? self.receipt,
            receiptInclusion: receiptInclusion ?? self.receiptInclusion, receiptHeader: receiptHeader ?? self.receiptHeader,
            receiptCertificate: receiptCertificate ?? self.receiptCertificate)
    }
}

@Suite("Transaction proof bundles")
struct TransactionProofTests {
    let chain: ProofChain

    init() throws { chain = try ProofChain() }

    func expectInvalid(_ proof: TransactionProof, _ expected: ProofError, genesis: Genesis? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try proof.verify(against: genesis ?? chain.genesis) }
    }

    @Test("a proof of a successful and of a failed transaction verify, and say which")
    func validProofs() throws {
        let success = try chain.proof(height: 1, position: 0)
        try success.verify(against: chain.genesis)
        #expect(success.receipt.succeeded && success.position == 0 && success.height == 1 && success.receiptHeader.height == 2)

        let failure = try chain.proof(height: 1, position: 1)
        try failure.verify(against: chain.genesis)
        #expect(failure.receipt.failure?.code == .unknownCreditBlock)
        #expect(failure.transaction.payload.kindName == "retire-credits")

        let single = try chain.proof(height: 2, position: 0)
        try single.verify(against: chain.genesis)
    }

    @Test("the canonical bytes round-trip and start with the magic and version")
    func roundTrip() throws {
        let proof = try chain.proof(height: 1, position: 1)
        let bytes = proof.canonicalBytes
        #expect(Array(bytes.prefix(8)) == TransactionProof.magic + [TransactionProof.formatVersion])
        let decoded = try TransactionProof.decode(bytes)
        #expect(decoded == proof)
        #expect(decoded.canonicalBytes == bytes)
    }

    @Test("assembly refuses receipts that are not the certified ones, and positions outside the block")
    func assemblyChecks() throws {
        let wrong = chain.receipts[0].map { Receipt(transactionID: $0.transactionID, outcome: .success) }
        #expect(TransactionProof(
            position: 1, in: chain.blocks[0], certificate: chain.certificates[0], receipts: wrong,
            receiptHeader: chain.blocks[1].header, receiptCertificate: chain.certificates[1]) == nil)
        #expect(TransactionProof(
            position: 2, in: chain.blocks[0], certificate: chain.certificates[0], receipts: chain.receipts[0],
            receiptHeader: chain.blocks[1].header, receiptCertificate: chain.certificates[1]) == nil)
    }

    @Test("a changed byte in the transaction breaks its signature")
    func tamperedTransactionByte() throws {
        let proof = try chain.proof(height: 1, position: 0)
        var bytes = proof.canonicalBytes
        // magic + version, then the transaction: version, chain id (u32 length + bytes), sender key, nonce.
        let nonceLastByte = 8 + 1 + 4 + TestLedger.chainID.value.utf8.count + PublicKey.byteCount + 7
        bytes[nonceLastByte] ^= 0x01
        let tampered = try TransactionProof.decode(bytes)
        expectInvalid(tampered, .badTransactionSignature)
    }

    @Test("another signed transaction is not under the header's transactions root")
    func otherTransaction() throws {
        let proof = try chain.proof(height: 1, position: 0)
        let other = try chain.ledger.transaction("bank", chain.ledger.transfer(to: "fund", 99_999))
        expectInvalid(proof.with(transaction: other), .notIncluded(height: 1))
    }

    @Test("a changed sibling hash breaks the inclusion proof")
    func tamperedSibling() throws {
        let proof = try chain.proof(height: 1, position: 0)
        var siblings = proof.inclusion.siblings
        siblings[0] = SHA256.hash(Array("not a sibling".utf8))
        let inclusion = MerkleProof(index: proof.inclusion.index, leafCount: proof.inclusion.leafCount, siblings: siblings)
        expectInvalid(proof.with(inclusion: inclusion), .notIncluded(height: 1))
    }

    @Test("a changed header field no longer matches its certificate")
    func tamperedHeader() throws {
        let proof = try chain.proof(height: 1, position: 0)
        var header = proof.header
        header.timestampMillis += 1
        expectInvalid(proof.with(header: header), .certificateForOtherBlock(part: "block", height: 1))
    }

    @Test("a forged certificate signature is refused")
    func forgedCertificateSignature() throws {
        let proof = try chain.proof(height: 1, position: 0)
        var signatures = proof.certificate.signatures
        let forged = try chain.validatorKeys[1].sign(digest: SHA256.hash(Array("something else".utf8)))
        signatures[1] = ValidatorSignature(validatorIndex: 1, signature: forged)
        let certificate = CommitCertificate(view: 0, height: 1, blockHash: proof.header.hash, signatures: signatures)
        expectInvalid(proof.with(certificate: certificate), .certificate(part: "block", .invalidSignature(height: 1, index: 1)))
    }

    @Test("2f signatures are not a quorum, for either certificate")
    func tooFewSignatures() throws {
        let proof = try chain.proof(height: 1, position: 0)
        let short = try chain.certificate(for: proof.header, signers: [0, 3])
        expectInvalid(proof.with(certificate: short), .certificate(part: "block", .insufficientSignatures(height: 1, count: 2, quorum: 3)))
        let shortReceipts = try chain.certificate(for: proof.receiptHeader, signers: [2])
        expectInvalid(
            proof.with(receiptCertificate: shortReceipts),
            .certificate(part: "receipts block", .insufficientSignatures(height: 2, count: 1, quorum: 3)))
    }

    @Test("another consortium's genesis refuses the proof")
    func wrongGenesis() throws {
        let proof = try chain.proof(height: 1, position: 0)
        let otherChain = try ProofChain()
        var renamed = otherChain.genesis
        renamed.chainID = "other-chain"
        expectInvalid(proof, .wrongChain(part: "transaction", chainID: "test-chain", expected: "other-chain"), genesis: renamed)

        // Same chain id, other members: the sender is a stranger.
        expectInvalid(proof, .senderNotMember(proof.transaction.senderAddress), genesis: otherChain.genesis)

        // Same chain id and members, other validators: the certificate's signers are strangers.
        var otherValidators = chain.genesis
        otherValidators.validators = otherChain.genesis.validators
        expectInvalid(proof, .certificate(part: "block", .invalidSignature(height: 1, index: 0)), genesis: otherValidators)
    }

    @Test("a failed receipt flipped to success is not the certified receipt")
    func flippedReceipt() throws {
        let proof = try chain.proof(height: 1, position: 1)
        let flipped = Receipt(transactionID: proof.transaction.id, outcome: .success)
        expectInvalid(proof.with(receipt: flipped), .receiptNotCertified(height: 2))
    }

    @Test("another transaction's receipt, or the right receipt at another position, is refused")
    func mismatchedReceipt() throws {
        let proof = try chain.proof(height: 1, position: 1)
        let neighbour = try chain.proof(height: 1, position: 0)
        expectInvalid(proof.with(receipt: neighbour.receipt), .receiptForOtherTransaction)
        expectInvalid(proof.with(receiptInclusion: neighbour.receiptInclusion), .receiptPosition(receipt: 0, transaction: 1))
    }

    @Test("a receipts header at the wrong height is refused, even with a valid certificate")
    func wrongReceiptHeight() throws {
        let proof = try chain.proof(height: 1, position: 0)
        expectInvalid(
            proof.with(receiptHeader: chain.blocks[2].header, receiptCertificate: chain.certificates[2]),
            .receiptHeaderHeight(actual: 3, expected: 2))
    }

    @Test("truncated, extended or foreign bytes are malformed, not a crash")
    func malformedBytes() throws {
        let bytes = try chain.proof(height: 1, position: 1).canonicalBytes
        #expect(throws: ProofError.malformed(.trailingBytes(count: 1))) { try TransactionProof.decode(bytes + [0]) }
        for cut in [0, 5, 8, 100, bytes.count / 2, bytes.count - 1] {
            #expect {
                try TransactionProof.decode(Array(bytes.prefix(cut)))
            } throws: { error in
                guard case .malformed(.truncated) = error as? ProofError else { return false }
                return true
            }
        }
        var foreign = bytes
        foreign[0] = UInt8(ascii: "X")
        #expect {
            try TransactionProof.decode(foreign)
        } throws: { error in
            guard case .malformed(.invalidValue(field: "proof magic", _)) = error as? ProofError else { return false }
            return "\(error)".contains("not a GreenLedger transaction proof")
        }
        var version = bytes
        version[7] = 9
        #expect(throws: ProofError.malformed(.unsupportedVersion(type: "transaction proof", version: 9))) { try TransactionProof.decode(version) }
    }

    @Test("every error reads as a sentence naming the failed check")
    func errorSentences() {
        #expect("\(ProofError.receiptNotCertified(height: 7))".contains("receipts root of block 7"))
        #expect("\(ProofError.certificate(part: "block", .insufficientSignatures(height: 3, count: 1, quorum: 3)))".contains("quorum is 3"))
    }
}
