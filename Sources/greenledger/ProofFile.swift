import Foundation
import LedgerCore
import LedgerCrypto

/// The file `greenledger proof tx` writes: JSON for people, holding the proof bundle's
/// canonical bytes in hex (`bundle`) and a readable `summary` of them. Only `bundle` is
/// evidence: `verify-proof` decodes it, checks it against the user's genesis, and refuses a
/// file whose summary says anything the bundle does not (docs/formats.md).
struct ProofFile: Codable, Equatable {
    static let formatName = "greenledger-transaction-proof"
    /// Bundles (hex) above this are refused before decoding.
    static let fileSizeMaxBytes = 8 * 1_024 * 1_024

    var format: String
    var version: Int
    var note: String
    var summary: ProofSummary
    var bundle: String

    init(proof: TransactionProof) {
        format = ProofFile.formatName
        version = Int(TransactionProof.formatVersion)
        note = "Check with: greenledger verify-proof FILE --genesis YOUR-GENESIS. Only 'bundle' is evidence; 'summary' is a readable copy that verify-proof compares with it."
        summary = ProofSummary(proof)
        bundle = Hex.encode(proof.canonicalBytes)
    }

    func write(to path: String) throws {
        do { try Data(rendered().utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CLIError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Pretty JSON in a fixed order for people: format, version, note, summary, then the hex bundle.
    func rendered() -> String {
        func json(_ value: some Encodable, pretty: Bool = false) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
            // Strings, integers and a struct of them: encoding cannot fail.
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        }
        let fields = [
            ("format", json(format)), ("version", json(version)), ("note", json(note)),
            ("summary", json(summary, pretty: true).replacingOccurrences(of: "\n", with: "\n  ")), ("bundle", json(bundle)),
        ]
        return "{\n" + fields.map { "  \"\($0.0)\" : \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// Reads a proof file: this JSON form, or the bare canonical bundle (as served by
    /// `GET /v1/transactions/{id}/proof`). Returns the bundle bytes and the summary the file
    /// claims (nil for a bare bundle). Throws a CLIError when the file cannot be read, or a
    /// `ProofFileError` when it is not a proof file.
    static func read(_ path: String) throws -> (bundle: [UInt8], claimed: ProofSummary?) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? Int else { throw CLIError("\(path): no such file") }
        guard size <= fileSizeMaxBytes else {
            throw ProofFileError("\(path) is \(size) bytes; a proof file is at most \(fileSizeMaxBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot be read") }
        let bytes = [UInt8](data)
        if bytes.starts(with: TransactionProof.magic) { return (bytes, nil) }
        let file: ProofFile
        do { file = try JSONDecoder().decode(ProofFile.self, from: data) } catch {
            throw ProofFileError(
                "the file is neither a proof file written by `greenledger proof tx` (JSON with format, version, note, summary and bundle) nor a bare proof bundle")
        }
        guard file.format == formatName else {
            throw ProofFileError("the file's format is \"\(file.format)\", expected \"\(formatName)\"")
        }
        guard file.version == Int(TransactionProof.formatVersion) else {
            throw ProofFileError("the file is proof format version \(file.version); this greenledger reads version \(TransactionProof.formatVersion)")
        }
        guard let bundle = Hex.decode(file.bundle) else { throw ProofFileError("the file's bundle is not hex digits") }
        return (bundle, file.summary)
    }
}

/// A file that is not a proof file at all: verify-proof reports it INVALID with this sentence.
struct ProofFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What a proof says, readably. Rebuilt from the decoded bundle and compared field by field
/// with the file's copy, so an edit to either shows.
struct ProofSummary: Codable, Equatable {
    var transactionId: String
    var chainId: String
    var kind: String
    var sender: String
    var nonce: UInt64
    var height: UInt64
    var position: Int
    var blockHash: String
    var blockTime: String
    /// `success`, or `failed: CODE: MESSAGE`.
    var receipt: String
    var receiptCertifiedByHeight: UInt64

    init(_ proof: TransactionProof) {
        transactionId = proof.transaction.id.hex
        chainId = proof.transaction.chainID.value
        kind = proof.transaction.payload.kindName
        sender = proof.transaction.senderAddress.description
        nonce = proof.transaction.nonce
        height = proof.height
        position = proof.position
        blockHash = proof.header.hash.hex
        blockTime = ProofSummary.time(proof.header.timestampMillis)
        receipt = proof.receipt.failure.map { "failed: \($0.code.name): \($0.message)" } ?? "success"
        receiptCertifiedByHeight = proof.receiptHeader.height
    }

    static func time(_ millis: UInt64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1_000).formatted(.iso8601)
    }

    /// The first field where `other` differs, as "name: other vs self".
    func firstDifference(from other: ProofSummary) -> String? {
        let fields: [(String, String, String)] = [
            ("transactionId", transactionId, other.transactionId), ("chainId", chainId, other.chainId), ("kind", kind, other.kind),
            ("sender", sender, other.sender), ("nonce", "\(nonce)", "\(other.nonce)"), ("height", "\(height)", "\(other.height)"),
            ("position", "\(position)", "\(other.position)"), ("blockHash", blockHash, other.blockHash),
            ("blockTime", blockTime, other.blockTime), ("receipt", receipt, other.receipt),
            ("receiptCertifiedByHeight", "\(receiptCertifiedByHeight)", "\(other.receiptCertifiedByHeight)"),
        ]
        return fields.first { $0.1 != $0.2 }.map { "\($0.0) says \"\($0.2)\" but the bundle says \"\($0.1)\"" }
    }
}
