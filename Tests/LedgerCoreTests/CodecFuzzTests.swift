import LedgerCrypto
import Testing
@testable import LedgerCore

/// Feeds arbitrary and mutated bytes to every decoder. None may crash; every success must
/// re-encode to exactly the bytes it consumed (one value, one encoding).
@Suite("Codec fuzzing")
struct CodecFuzzTests {
    typealias Decoder = @Sendable (inout CanonicalReader) throws(CodecError) -> any CanonicalEncodable

    static let decoders: [(String, Decoder)] = [
        ("Digest", { (r: inout CanonicalReader) throws(CodecError) in try Digest(from: &r) }),
        ("PublicKey", { (r: inout CanonicalReader) throws(CodecError) in try PublicKey(from: &r) }),
        ("Signature", { (r: inout CanonicalReader) throws(CodecError) in try Signature(from: &r) }),
        ("Address", { (r: inout CanonicalReader) throws(CodecError) in try Address(from: &r) }),
        ("Identifier", { (r: inout CanonicalReader) throws(CodecError) in try Identifier(from: &r) }),
        ("Text", { (r: inout CanonicalReader) throws(CodecError) in try Text(from: &r) }),
        ("TaxonomyCategory", { (r: inout CanonicalReader) throws(CodecError) in try TaxonomyCategory(from: &r) }),
        ("Role", { (r: inout CanonicalReader) throws(CodecError) in try Role(from: &r) }),
        ("Payload", { (r: inout CanonicalReader) throws(CodecError) in try Payload(from: &r) }),
        ("Transaction", { (r: inout CanonicalReader) throws(CodecError) in try Transaction(from: &r) }),
        ("BlockHeader", { (r: inout CanonicalReader) throws(CodecError) in try BlockHeader(from: &r) }),
        ("Block", { (r: inout CanonicalReader) throws(CodecError) in try Block(from: &r) }),
        ("CommitCertificate", { (r: inout CanonicalReader) throws(CodecError) in try CommitCertificate(from: &r) }),
        ("Receipt", { (r: inout CanonicalReader) throws(CodecError) in try Receipt(from: &r) }),
        ("MerkleProof", { (r: inout CanonicalReader) throws(CodecError) in try MerkleProof(from: &r) }),
        ("Genesis", { (r: inout CanonicalReader) throws(CodecError) in try Genesis(from: &r) }),
    ]

    /// Valid encodings to mutate, so fuzzing reaches past the first byte of each decoder.
    static func seeds() throws -> [[UInt8]] {
        let ledger = try TestLedger()
        let transactions = [
            try ledger.transaction("bank", ledger.transfer(to: "fund", 5)),
            try ledger.transaction("issuer", .issueBond(IssueBond(bondID: "GB", currency: "EUR", faceValue: 9, termMonths: 12, eligibleCategories: [.renewableEnergy]))),
            try ledger.transaction("verifier", ledger.attest("p", 7)),
        ]
        // Format 2: details, a monitoring period (dates), and the corrections.
        let modern = try TestLedger(rules: LedgerRulesTests.rules)
        let credits = modern.credits("p", first: 1)
        let formatTwo = [
            try modern.transaction("owner", modern.register("p")),
            try modern.transaction("verifier", modern.attest("p", 7)),
            try modern.transaction("verifier", .revokeAttestation(RevokeAttestation(projectID: "p", vintage: 2025, sequence: 0, reason: "r"))),
            try modern.transaction("registry", .cancelCredits(CreditCorrection(block: credits, quantity: 1, reason: "r"))),
            try modern.transaction("registry", .suspendCredits(CreditCorrection(block: credits, quantity: 2, reason: "r"))),
            try modern.transaction("registry", .reinstateCredits(CreditCorrection(block: credits, quantity: 3, reason: "r"))),
        ]
        let block = ledger.block(transactions)
        let signature = try ledger.key("bank").sign(digest: block.hash)
        let certificate = CommitCertificate(view: 1, height: 1, blockHash: block.hash, signatures: [ValidatorSignature(validatorIndex: 0, signature: signature)])
        return [
            block.canonicalBytes, block.header.canonicalBytes, certificate.canonicalBytes, ledger.genesis.canonicalBytes,
            Receipt(transactionID: block.hash, outcome: .failure(TransactionFailure(.notOwner, "x"))).canonicalBytes,
            MerkleTree.proof(of: 1, in: transactions.map(\.id))!.canonicalBytes,
        ] + (transactions + formatTwo).map(\.canonicalBytes) + (transactions + formatTwo).map(\.payload.canonicalBytes)
    }

    @Test("random bytes never crash a decoder, and every success re-encodes exactly")
    func randomBytes() {
        var generator = SeededGenerator(seed: 0x6772_6565_6E)
        for _ in 0..<3_000 {
            let length = Int.random(in: 0..<96, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            checkAllDecoders(bytes)
        }
    }

    @Test("mutated valid encodings never crash a decoder, and every success re-encodes exactly")
    func mutatedEncodings() throws {
        var generator = SeededGenerator(seed: 42)
        let seeds = try CodecFuzzTests.seeds()
        for _ in 0..<2_000 {
            var bytes = seeds.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                guard !bytes.isEmpty else { break }
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                case 1: bytes.removeSubrange(position...)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                default: bytes[position] = 0xFF
                }
            }
            checkAllDecoders(bytes)
        }
    }

    @Test("every seed encoding decodes with its own decoder")
    func seedsDecode() throws {
        let seeds = try CodecFuzzTests.seeds()
        let decoded = seeds.map { bytes in
            CodecFuzzTests.decoders.contains { _, decode in
                var reader = CanonicalReader(bytes)
                guard let value = try? decode(&reader), reader.isAtEnd else { return false }
                return value.canonicalBytes == bytes
            }
        }
        #expect(decoded.allSatisfy { $0 })
    }

    private func checkAllDecoders(_ bytes: [UInt8]) {
        for (name, decode) in CodecFuzzTests.decoders {
            var reader = CanonicalReader(bytes)
            guard let value = try? decode(&reader) else { continue }
            let consumed = Array(bytes[0..<reader.offset])
            #expect(value.canonicalBytes == consumed, "\(name) decoded \(Hex.encode(consumed)) but re-encodes differently")
        }
    }
}
