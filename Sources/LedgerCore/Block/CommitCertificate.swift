import LedgerCrypto

/// One validator's signature, by its index in the genesis validator list.
public struct ValidatorSignature: Hashable, Sendable {
    public let validatorIndex: UInt16
    public let signature: Signature

    public init(validatorIndex: UInt16, signature: Signature) {
        self.validatorIndex = validatorIndex
        self.signature = signature
    }
}

/// Proof that a block was committed: COMMIT signatures from ≥ q (the quorum) distinct genesis
/// validators, all for one view, height and block digest. Stored with the block; anyone
/// with the genesis can check it offline.
public struct CommitCertificate: Hashable, Sendable {
    public let view: UInt64
    public let height: UInt64
    public let blockHash: Digest
    /// Sorted by validator index, no index twice.
    public let signatures: [ValidatorSignature]

    public init(view: UInt64, height: UInt64, blockHash: Digest, signatures: [ValidatorSignature]) {
        self.view = view
        self.height = height
        self.blockHash = blockHash
        self.signatures = signatures.sorted { $0.validatorIndex < $1.validatorIndex }
    }

    /// Throws unless this certifies `blockHash` at `height` with a quorum of valid COMMIT
    /// signatures from distinct validators of `validators`.
    public func verify(
        chainID: Identifier, genesisHash: Digest, validators: ValidatorSet,
        verifier: some SignatureVerifier = P256Verifier()
    ) throws(CertificateError) {
        var seen = Set<UInt16>()
        let digest = VoteDigest.compute(
            kind: .commit, chainID: chainID, genesisHash: genesisHash, view: view, height: height, digest: blockHash)
        for entry in signatures {
            guard Int(entry.validatorIndex) < validators.count else {
                throw .unknownValidator(height: height, index: entry.validatorIndex)
            }
            guard seen.insert(entry.validatorIndex).inserted else {
                throw .duplicateSigner(height: height, index: entry.validatorIndex)
            }
            guard verifier.isValidSignature(entry.signature, digest: digest, publicKey: validators.keys[Int(entry.validatorIndex)]) else {
                throw .invalidSignature(height: height, index: entry.validatorIndex)
            }
        }
        guard seen.count >= validators.quorum else {
            throw .insufficientSignatures(height: height, count: seen.count, quorum: validators.quorum)
        }
    }
}

/// Why a commit certificate does not prove its block.
public enum CertificateError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownValidator(height: UInt64, index: UInt16)
    case duplicateSigner(height: UInt64, index: UInt16)
    case invalidSignature(height: UInt64, index: UInt16)
    case insufficientSignatures(height: UInt64, count: Int, quorum: Int)
    case wrongBlock(height: UInt64)

    public var description: String {
        switch self {
        case .unknownValidator(let height, let index): "certificate at \(height): signer \(index) is not a genesis validator"
        case .duplicateSigner(let height, let index): "certificate at \(height): validator \(index) signs twice"
        case .invalidSignature(let height, let index):
            "certificate at \(height): validator \(index)'s signature is not a COMMIT for this view, height and block"
        case .insufficientSignatures(let height, let count, let quorum):
            "certificate at \(height): \(count) distinct signatures, a quorum is \(quorum)"
        case .wrongBlock(let height): "certificate at \(height) certifies a different block or height"
        }
    }
}

extension ValidatorSignature: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        writer.write(validatorIndex)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        validatorIndex = try reader.readUInt16("validator index")
        signature = try reader.read(Signature.self)
    }
}

extension CommitCertificate: CanonicalCodable {
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
        signatures = try reader.readValidatorSignatures("certificate signatures")
    }
}

extension CanonicalReader {
    /// A list of validator signatures in its one canonical order: strictly increasing
    /// validator index, so no validator appears twice. Used by every certificate.
    public mutating func readValidatorSignatures(_ field: String) throws(CodecError) -> [ValidatorSignature] {
        let signatures = try readArray(of: ValidatorSignature.self, maximum: Limits.validatorsMax, field)
        guard zip(signatures, signatures.dropFirst()).allSatisfy({ $0.validatorIndex < $1.validatorIndex }) else {
            throw .nonCanonical(field: field, reason: "must be sorted by validator index with no repeats")
        }
        return signatures
    }
}
