import Foundation
import LedgerCore
import LedgerCrypto
import Testing
@testable import Audit
@testable import Storage

/// The tamper table: each case damages a real stored chain of 10 blocks at one place and the
/// offline audit must fail at exactly that height, saying what is wrong.
@Suite("verify: the offline audit catches tampering")
struct AuditTamperTests {
    static let tamperedHeight: UInt64 = 7

    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case flippedByteInBody, flippedByteInHeader, removedTransaction, swappedBlocks, forgedCertificateSignature,
            certificateWithTwoFSignatures, twoSignaturesFromOneValidator, memberKeyAsValidator, commitsFromAnotherView,
            commitsFromAnotherHeight, duplicatedLastTransaction, reorderedTransactions, alteredReceipt, alteredRecordedStateRoot

        var testDescription: String { rawValue }
    }

    func transactions(_ body: [UInt8]) throws -> [Transaction] {
        var reader = CanonicalReader(body)
        return try reader.readArray(of: Transaction.self, maximum: Limits.blockTransactionsMax, "transactions")
    }

    func encode(_ transactions: [Transaction]) -> [UInt8] {
        var writer = CanonicalWriter()
        writer.write(transactions, maximum: Limits.blockTransactionsMax)
        return writer.bytes
    }

    func setCertificate(_ directory: TemporaryDirectory, _ certificate: CommitCertificate, raw: [UInt8]? = nil) throws {
        try tamper(directory, "UPDATE blocks SET certificate = ? WHERE height = ?", [.blob(raw ?? certificate.canonicalBytes), .integer(Int64(Self.tamperedHeight))])
    }

    @Test("a tampered chain fails at the tampered height", arguments: Tamper.allCases)
    func tamperDetected(_ tamperCase: Tamper) async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 10, in: directory)
        let height = Self.tamperedHeight
        let stored = try #require(try chain.store.block(at: height))
        let block = stored.block
        let certificate = stored.certificate
        #expect(try await audit(directory, genesis: chain.genesis).passed)

        switch tamperCase {
        case .flippedByteInBody:
            var body = try readBlob(directory, "body", height: height)
            body[body.count / 2] ^= 0x01
            try tamper(directory, "UPDATE blocks SET body = ? WHERE height = ?", [.blob(body), .integer(Int64(height))])
        case .flippedByteInHeader:
            var header = try readBlob(directory, "header", height: height)
            header[header.count - 40] ^= 0x80
            try tamper(directory, "UPDATE blocks SET header = ? WHERE height = ?", [.blob(header), .integer(Int64(height))])
        case .removedTransaction:
            let body = encode(Array(block.transactions.dropLast()))
            try tamper(directory, "UPDATE blocks SET body = ? WHERE height = ?", [.blob(body), .integer(Int64(height))])
        case .swappedBlocks:
            try tamper(directory, "UPDATE blocks SET height = -1 WHERE height = ?", [.integer(Int64(height))])
            try tamper(directory, "UPDATE blocks SET height = ? WHERE height = ?", [.integer(Int64(height)), .integer(Int64(height + 1))])
            try tamper(directory, "UPDATE blocks SET height = ? WHERE height = -1", [.integer(Int64(height + 1))])
        case .forgedCertificateSignature:
            var signatures = certificate.signatures
            let forged = try chain.validatorKeys[Int(signatures[1].validatorIndex)].sign(digest: SHA256.hash(Array("not this block".utf8)))
            signatures[1] = ValidatorSignature(validatorIndex: signatures[1].validatorIndex, signature: forged)
            try setCertificate(directory, CommitCertificate(view: certificate.view, height: height, blockHash: block.hash, signatures: signatures))
        case .certificateWithTwoFSignatures:
            try setCertificate(directory, CommitCertificate(view: certificate.view, height: height, blockHash: block.hash, signatures: Array(certificate.signatures.prefix(2))))
        case .twoSignaturesFromOneValidator:
            let duplicate = [certificate.signatures[0], certificate.signatures[0], certificate.signatures[1]]
            var writer = CanonicalWriter()
            writer.write(certificate.view)
            writer.write(UInt64(height))
            writer.write(block.hash)
            writer.write(duplicate, maximum: Limits.validatorsMax)
            try setCertificate(directory, certificate, raw: writer.bytes)
        case .memberKeyAsValidator:
            let honest = try chain.certify(block, signers: [0, 1])
            let vote = VoteDigest.compute(kind: .commit, chainID: chain.genesis.chainID, genesisHash: chain.genesis.hash, view: certificate.view, height: height, digest: block.hash)
            let intruder = ValidatorSignature(validatorIndex: 2, signature: try chain.memberKeys[0].sign(digest: vote))
            try setCertificate(directory, CommitCertificate(view: certificate.view, height: height, blockHash: block.hash, signatures: honest.signatures + [intruder]))
        case .commitsFromAnotherView:
            let otherView = try chain.certify(block, view: certificate.view + 3)
            try setCertificate(directory, CommitCertificate(view: certificate.view, height: height, blockHash: block.hash, signatures: otherView.signatures))
        case .commitsFromAnotherHeight:
            let previous = try #require(try chain.store.block(at: height - 1))
            try setCertificate(directory, CommitCertificate(view: certificate.view, height: height, blockHash: block.hash, signatures: previous.certificate.signatures))
        case .duplicatedLastTransaction:
            let body = encode(block.transactions + [block.transactions.last!])
            try tamper(directory, "UPDATE blocks SET body = ? WHERE height = ?", [.blob(body), .integer(Int64(height))])
        case .reorderedTransactions:
            var reordered = block.transactions
            reordered.swapAt(0, 1)
            try tamper(directory, "UPDATE blocks SET body = ? WHERE height = ?", [.blob(encode(reordered)), .integer(Int64(height))])
        case .alteredReceipt:
            try tamper(directory, "UPDATE receipts SET success = 0, failure_code = 'insufficient-funds' WHERE height = ? AND position = 1", [.integer(Int64(height))])
        case .alteredRecordedStateRoot:
            try tamper(directory, "UPDATE blocks SET state_root_after = ? WHERE height = ?", [.blob(Digest.zero.bytes), .integer(Int64(height))])
        }

        let report = try await audit(directory, genesis: chain.genesis)
        #expect(!report.passed)
        #expect(report.failure?.height == height, "\(tamperCase): \(report.failure?.problem ?? "passed")")
        #expect(report.blocksChecked == height - 1)
    }

    @Test("an altered balance in the state tables is caught at the last height")
    func alteredBalance() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 10, in: directory)
        try tamper(directory, "UPDATE balances SET amount = amount + 1 WHERE address = ?", [.text(chain.memberKeys[0].publicKey.address.description)])
        let report = try await audit(directory, genesis: chain.genesis)
        #expect(report.failure?.height == 10)
        #expect(report.failure?.problem.contains("balances") == true)
    }

    @Test("an altered state leaf is caught at the last height")
    func alteredStateLeaf() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 4, in: directory)
        try tamper(directory, "DELETE FROM state WHERE key = (SELECT MIN(key) FROM state)")
        let report = try await audit(directory, genesis: chain.genesis)
        #expect(report.failure?.height == 4)
    }

    @Test("a data directory from another genesis fails before any block, naming both hashes")
    func anotherGenesis() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 2, in: directory)
        var other = chain.genesis
        other.chainID = "someone-else"
        let report = try await audit(directory, genesis: other)
        #expect(report.failure?.height == 0)
        #expect(report.failure?.problem.contains(chain.genesis.hash.hex) == true)
        #expect(report.failure?.problem.contains(other.hash.hex) == true)
    }

    @Test("a clean chain of 1,000 blocks verifies, with its green-flow summary")
    func cleanChainVerifies() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 1_000, perBlock: 2, in: directory)
        var progressCalls = 0
        let report = await ChainAuditor(genesis: chain.genesis).audit(
            try LedgerStore.openForAudit(directory: directory.path), options: .init(progress: { _, _ in progressCalls += 1 }))
        #expect(report.passed, "\(report.failure?.problem ?? "")")
        #expect(report.blocksChecked == 1_000)
        #expect(report.transactionsChecked == 2_000)
        #expect(report.certificatesChecked == 1_000)
        #expect(report.stateTablesChecked)
        #expect(progressCalls >= 8)
        let renewable = report.flows.first { $0.category == "renewable-energy" }
        #expect(renewable?.transfers == 1_000 && renewable?.amount == 100_000)
        let transport = report.flows.first { $0.category == "clean-transportation" }
        #expect(transport?.transfers == 1_000 && transport?.amount == 101_000)
    }

    @Test("a partial range checks signatures only from --from and still replays from genesis")
    func partialRange() async throws {
        let directory = try TemporaryDirectory()
        let chain = try makeChain(blocks: 10, in: directory)
        let report = await ChainAuditor(genesis: chain.genesis).audit(
            try LedgerStore.openForAudit(directory: directory.path), options: .init(fromHeight: 4, toHeight: 8))
        #expect(report.passed)
        #expect(report.certificatesChecked == 5)
        #expect(report.blocksChecked == 8)
        #expect(!report.stateTablesChecked)
    }
}
