import LedgerCore
import LedgerCrypto

/// Bounds on consensus messages, checked by the decoder before allocating.
public enum ConsensusLimits {
    public static let envelopeFormatVersion: UInt8 = 1
    /// Prepared certificates in one VIEW-CHANGE, re-proposals in one NEW-VIEW.
    public static let preparedCertificatesMax = 1_024
    /// Transactions in one FORWARD.
    public static let forwardTransactionsMax = 1_000
    /// Whole encoded envelope.
    public static let envelopeSizeMaxBytes = 64 * 1_024 * 1_024
    static let domain = Array("GL/v1/consensus".utf8)
}

extension ConsensusMessage {
    /// The digest the host signs. Votes (PRE-PREPARE, PREPARE, COMMIT, CHECKPOINT) sign the
    /// ledger's `VoteDigest`, so COMMIT signatures go straight into a `CommitCertificate`;
    /// every other message signs SHA-256(domain ‖ chain ‖ genesis ‖ canonical bytes).
    public func signingDigest(chainID: Identifier, genesisHash: Digest) -> Digest {
        func vote(_ kind: VoteKind, _ view: UInt64, _ height: UInt64, _ digest: Digest) -> Digest {
            VoteDigest.compute(kind: kind, chainID: chainID, genesisHash: genesisHash, view: view, height: height, digest: digest)
        }
        switch self {
        case .prePrepare(let p): return vote(.prePrepare, p.view, p.height, p.block.hash)
        case .prepare(let v): return vote(.prepare, v.view, v.height, v.blockHash)
        case .commit(let v): return vote(.commit, v.view, v.height, v.blockHash)
        case .checkpoint(let c): return vote(.checkpoint, 0, c.height, c.digest)
        default:
            var writer = CanonicalWriter(capacity: 256)
            writer.writeFixed(ConsensusLimits.domain)
            writer.write(chainID)
            writer.write(genesisHash)
            encode(to: &writer)
            return SHA256.hash(writer.bytes)
        }
    }
}

extension SignedEnvelope {
    /// Strict decoding of a peer's bytes: bounded, versioned, no trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> SignedEnvelope {
        guard bytes.count <= ConsensusLimits.envelopeSizeMaxBytes else {
            throw .lengthTooLarge(field: "envelope", length: UInt64(bytes.count), maximum: ConsensusLimits.envelopeSizeMaxBytes)
        }
        return try SignedEnvelope(canonicalBytes: bytes)
    }
}

extension SignedEnvelope: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(ConsensusLimits.envelopeFormatVersion)
        writer.write(sender)
        writer.write(message)
        writer.write(signature)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let version = try reader.readUInt8("envelope version")
        guard version == ConsensusLimits.envelopeFormatVersion else {
            throw .unsupportedVersion(type: "consensus envelope", version: version)
        }
        sender = try reader.readUInt16("sender")
        message = try reader.read(ConsensusMessage.self)
        signature = try reader.read(Signature.self)
    }
}

extension ConsensusMessage: CanonicalCodable {
    var tag: UInt8 {
        switch self {
        case .prePrepare: 1
        case .prepare: 2
        case .commit: 3
        case .checkpoint: 4
        case .viewChange: 5
        case .newView: 6
        case .forward: 7
        case .blockRequest: 8
        case .blockResponse: 9
        }
    }
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(tag)
        switch self {
        case .prePrepare(let p): writer.write(p)
        case .prepare(let v), .commit(let v): writer.write(v)
        case .checkpoint(let c): writer.write(c)
        case .viewChange(let v): writer.write(v)
        case .newView(let n): writer.write(n)
        case .forward(let transactions): writer.write(transactions, maximum: ConsensusLimits.forwardTransactionsMax)
        case .blockRequest(let digest): writer.write(digest)
        case .blockResponse(let block): writer.write(block)
        }
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let tag = try reader.readUInt8("message tag")
        switch tag {
        case 1: self = .prePrepare(try reader.read(PrePrepare.self))
        case 2: self = .prepare(try reader.read(Vote.self))
        case 3: self = .commit(try reader.read(Vote.self))
        case 4: self = .checkpoint(try reader.read(Checkpoint.self))
        case 5: self = .viewChange(try reader.read(ViewChange.self))
        case 6: self = .newView(try reader.read(NewView.self))
        case 7:
            self = .forward(try reader.readArray(of: Transaction.self, maximum: ConsensusLimits.forwardTransactionsMax, "forwarded"))
        case 8: self = .blockRequest(try reader.readDigest("requested block"))
        case 9: self = .blockResponse(try reader.read(Block.self))
        default: throw .unknownTag(type: "consensus message", tag: tag)
        }
    }
}

extension PrePrepare: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(view)
        writer.write(block)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        view = try reader.readUInt64("view")
        block = try reader.read(Block.self)
    }
}

extension Vote: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(view)
        writer.write(height)
        writer.write(blockHash)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        view = try reader.readUInt64("view")
        height = try reader.readUInt64("height")
        blockHash = try reader.readDigest("block hash")
    }
}

extension Checkpoint: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(height)
        writer.write(blockHash)
        writer.write(stateRoot)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        height = try reader.readUInt64("height")
        blockHash = try reader.readDigest("block hash")
        stateRoot = try reader.readDigest("state root")
    }
}

/// Signatures sorted by index without repeats: the one canonical order.
extension PreparedCertificate: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(view)
        writer.write(height)
        writer.write(blockHash)
        writer.write(signatures, maximum: Limits.validatorsMax)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        view = try reader.readUInt64("view")
        height = try reader.readUInt64("height")
        blockHash = try reader.readDigest("block hash")
        signatures = try reader.readValidatorSignatures("prepare signatures")
    }
}

extension CheckpointCertificate: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(checkpoint)
        writer.write(signatures, maximum: Limits.validatorsMax)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        checkpoint = try reader.read(Checkpoint.self)
        signatures = try reader.readValidatorSignatures("checkpoint signatures")
    }
}

extension ViewChange: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(newView)
        writer.write(checkpoint)
        writer.write(prepared, maximum: ConsensusLimits.preparedCertificatesMax)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        newView = try reader.readUInt64("new view")
        checkpoint = try reader.readOptional(CheckpointCertificate.self, "checkpoint")
        prepared = try reader.readArray(
            of: PreparedCertificate.self, maximum: ConsensusLimits.preparedCertificatesMax, "prepared certificates")
        guard zip(prepared, prepared.dropFirst()).allSatisfy({ $0.height < $1.height }) else {
            throw .nonCanonical(field: "prepared certificates", reason: "must be sorted by height with no repeats")
        }
    }
}

extension Reproposal: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(height)
        writer.write(blockHash)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        height = try reader.readUInt64("height")
        blockHash = try reader.readDigest("block hash")
    }
}

extension NewView: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(view)
        writer.write(viewChanges, maximum: Limits.validatorsMax)
        writer.write(reproposals, maximum: ConsensusLimits.preparedCertificatesMax)
    }
    public init(from reader: inout CanonicalReader) throws(CodecError) {
        view = try reader.readUInt64("view")
        // Only VIEW-CHANGE envelopes may nest here: decoding never recurses into another NEW-VIEW.
        let count = try reader.readLength(maximum: Limits.validatorsMax, "view changes")
        var envelopes: [SignedEnvelope] = []
        for _ in 0..<count {
            let version = try reader.readUInt8("envelope version")
            guard version == ConsensusLimits.envelopeFormatVersion else {
                throw .unsupportedVersion(type: "consensus envelope", version: version)
            }
            let sender = try reader.readUInt16("sender")
            let tag = try reader.readUInt8("message tag")
            guard tag == 5 else { throw .invalidValue(field: "view changes", reason: "a NEW-VIEW carries only VIEW-CHANGEs") }
            let viewChange = try reader.read(ViewChange.self)
            let signature = try reader.read(Signature.self)
            envelopes.append(SignedEnvelope(sender: sender, message: .viewChange(viewChange), signature: signature))
        }
        viewChanges = envelopes
        reproposals = try reader.readArray(of: Reproposal.self, maximum: ConsensusLimits.preparedCertificatesMax, "reproposals")
    }
}
