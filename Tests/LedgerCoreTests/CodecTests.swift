import LedgerCrypto
import Testing
@testable import LedgerCore

@Suite("Canonical codec")
struct CodecTests {
    @Test("integers are fixed-width big-endian and round-trip")
    func integers() throws {
        var writer = CanonicalWriter()
        writer.write(UInt8(0xAB))
        writer.write(UInt16(0x0102))
        writer.write(UInt32(0x0304_0506))
        writer.write(UInt64.max)
        writer.write(true)
        #expect(writer.bytes == [0xAB, 1, 2, 3, 4, 5, 6] + [UInt8](repeating: 0xFF, count: 8) + [1])
        var reader = CanonicalReader(writer.bytes)
        #expect(try reader.readUInt8("a") == 0xAB)
        #expect(try reader.readUInt16("b") == 0x0102)
        #expect(try reader.readUInt32("c") == 0x0304_0506)
        #expect(try reader.readUInt64("d") == UInt64.max)
        #expect(try reader.readBool("e"))
        try reader.finish()
    }

    @Test("truncated input is refused, naming the field")
    func truncated() {
        var reader = CanonicalReader([0, 1, 2])
        #expect(throws: CodecError.truncated(field: "amount", needed: 8, remaining: 3)) { try reader.readUInt64("amount") }
    }

    @Test("trailing bytes after a whole value are refused")
    func trailing() throws {
        let bytes = SHA256.hash([1]).canonicalBytes + [0]
        #expect(throws: CodecError.trailingBytes(count: 1)) { try Digest(canonicalBytes: bytes) }
    }

    @Test("a length above the field's bound is refused before allocating")
    func oversizeLength() {
        var reader = CanonicalReader([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: CodecError.lengthTooLarge(field: "memo", length: 0xFFFF_FFFF, maximum: 256)) {
            try reader.readVariable(maximum: 256, "memo")
        }
    }

    @Test("a count larger than the remaining input fails without reserving it")
    func oversizeCount() {
        var reader = CanonicalReader([0, 0, 0x27, 0x10])
        #expect(throws: CodecError.self) { try reader.readArray(of: Digest.self, maximum: 10_000, "items") }
    }

    @Test("non-canonical bools, optionals, invalid UTF-8 and unknown tags are refused")
    func nonCanonical() {
        var bools = CanonicalReader([2])
        #expect(throws: CodecError.nonCanonical(field: "flag", reason: "a bool is 0 or 1, got 2")) { try bools.readBool("flag") }
        var optionals = CanonicalReader([7])
        #expect(throws: CodecError.self) { try optionals.readOptional(Digest.self, "maybe") }
        var text = CanonicalReader([0, 0, 0, 2, 0xC3, 0x28])
        #expect(throws: CodecError.nonCanonical(field: "name", reason: "not valid UTF-8")) { try text.readString(maximum: 10, "name") }
        #expect(throws: CodecError.unknownTag(type: "payload", tag: 99)) { try Payload(canonicalBytes: [99]) }
        #expect(throws: CodecError.unknownTag(type: "taxonomy category", tag: 0)) { try TaxonomyCategory(canonicalBytes: [0]) }
    }

    @Test("identifiers are ASCII only and bounded")
    func identifiers() throws {
        // `Identifier("literal")` would be literal coercion (SE-0213): pass String values.
        for bad in ["", "projet-é", "has space", String(repeating: "a", count: 65)] {
            #expect(throws: LedgerError.self) { try Identifier(String(bad)) }
        }
        let good = "GB-2026.solar:01_a"
        #expect(try Identifier(good).value == good)
        var writer = CanonicalWriter()
        writer.write("bad id", maximum: 64)
        #expect(throws: CodecError.self) { try Identifier(canonicalBytes: writer.bytes) }
    }

    @Test("every payload kind round-trips through its canonical bytes")
    func payloadRoundTrips() throws {
        let ledger = try TestLedger()
        let payloads: [Payload] = [
            ledger.transfer(to: "fund", 12_345),
            ledger.register("solar-1"),
            ledger.attest("solar-1", 1_000),
            ledger.issue("solar-1", first: 1, 500),
            .transferCredits(TransferCredits(block: ledger.credits("solar-1", first: 1), quantity: 5, to: ledger.address("fund"))),
            .retireCredits(RetireCredits(block: ledger.credits("solar-1", first: 1), quantity: 5, beneficiary: "Città di Milano", reason: "2025 offset")),
            .issueBond(IssueBond(bondID: "GB-1", currency: "EUR", faceValue: UInt64.max, termMonths: 60, eligibleCategories: [.greenBuildings, .renewableEnergy])),
            .allocateProceeds(AllocateProceeds(bondID: "GB-1", projectID: "solar-1", amount: 1)),
        ]
        #expect(Set(payloads.map(\.tag)).count == 8)
        for payload in payloads {
            let transaction = try ledger.transaction("bank", payload)
            let decoded = try Transaction(canonicalBytes: transaction.canonicalBytes)
            #expect(decoded.payload == payload)
            #expect(decoded.id == transaction.id)
            #expect(decoded.canonicalBytes == transaction.canonicalBytes)
            try decoded.verifySignature()
            // The digests a decoded transaction hashes from the bytes it read are those of its
            // fields encoded afresh.
            #expect(decoded.id == SHA256.hash(transaction.canonicalBytes))
            let fresh = Transaction.signingDigest(chainID: decoded.chainID, sender: decoded.sender, nonce: decoded.nonce, payload: decoded.payload)
            #expect(decoded.signingDigest == fresh && transaction.signingDigest == fresh)
            let assembled = Transaction(unchecked: decoded.chainID, sender: decoded.sender, nonce: decoded.nonce, payload: decoded.payload, signature: decoded.signature)
            #expect(assembled.id == decoded.id && assembled.signingDigest == fresh && assembled.senderAddress == decoded.senderAddress)
            #expect(decoded.senderAddress == decoded.sender.address)
        }
    }

    @Test("unsorted bond categories are non-canonical")
    func unsortedCategories() throws {
        let bond = Payload.issueBond(IssueBond(bondID: "GB-1", currency: "EUR", faceValue: 1, termMonths: 1, eligibleCategories: [.renewableEnergy, .greenBuildings]))
        var bytes = bond.canonicalBytes
        // Swap the two category bytes at the end.
        bytes.swapAt(bytes.count - 1, bytes.count - 2)
        #expect(throws: CodecError.nonCanonical(field: "eligible categories", reason: "must be sorted with no repeats")) {
            try Payload(canonicalBytes: bytes)
        }
    }

    @Test("blocks, certificates, receipts, proofs and genesis round-trip")
    func compositeRoundTrips() throws {
        let ledger = try TestLedger()
        let block = ledger.block([try ledger.transaction("bank", ledger.transfer(to: "fund", 1)), try ledger.transaction("issuer", ledger.register("p-1"))])
        #expect(try Block(canonicalBytes: block.canonicalBytes) == block)
        let signer = try SigningKey()
        let certificate = CommitCertificate(view: 3, height: 1, blockHash: block.hash, signatures: [
            ValidatorSignature(validatorIndex: 2, signature: try signer.sign(digest: block.hash)),
            ValidatorSignature(validatorIndex: 0, signature: try signer.sign(digest: block.hash)),
        ])
        #expect(try CommitCertificate(canonicalBytes: certificate.canonicalBytes) == certificate)
        let receipt = Receipt(transactionID: block.transactions[0].id, outcome: .failure(TransactionFailure(.insufficientFunds, "needs more")))
        #expect(try Receipt(canonicalBytes: receipt.canonicalBytes) == receipt)
        let proof = try #require(block.inclusionProof(of: block.transactions[1].id))
        #expect(try MerkleProof(canonicalBytes: proof.canonicalBytes) == proof)
        #expect(try Genesis(canonicalBytes: ledger.genesis.canonicalBytes) == ledger.genesis)
    }
}
