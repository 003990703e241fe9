import LedgerCrypto

/// A signed request from a member. The signature covers `signingDigest`: the canonical
/// encoding of everything but the signature, under a domain tag so it can never be
/// confused with any other signed GreenLedger object. The id is SHA-256 of the whole
/// signed encoding; because signatures are low-S only, one transaction has one id.
public struct Transaction: Hashable, Sendable {
    public static let formatVersion: UInt8 = 1
    static let signingDomain = Array("GL/v1/tx".utf8)

    public let chainID: Identifier
    public let sender: PublicKey
    public let nonce: UInt64
    public let payload: Payload
    public let signature: Signature
    /// SHA-256 of the canonical encoding, computed once.
    public let id: Digest
    /// What the sender signs (see `signingDigest(chainID:sender:nonce:payload:)`), computed
    /// once: every signature check — most of them cache hits — and every re-check would
    /// otherwise re-encode and re-hash the transaction.
    public let signingDigest: Digest
    /// The sender's address, computed once (it is a SHA-256 of the key).
    public let senderAddress: Address

    /// Builds and signs a transaction.
    public init(chainID: Identifier, nonce: UInt64, payload: Payload, signer: some DigestSigner) throws(CryptoError) {
        let digest = Transaction.signingDigest(chainID: chainID, sender: signer.publicKey, nonce: nonce, payload: payload)
        self.init(unchecked: chainID, sender: signer.publicKey, nonce: nonce, payload: payload, signature: try signer.sign(digest: digest))
    }

    /// Assembles a transaction with a given signature, without checking it.
    public init(unchecked chainID: Identifier, sender: PublicKey, nonce: UInt64, payload: Payload, signature: Signature) {
        self.chainID = chainID
        self.sender = sender
        self.nonce = nonce
        self.payload = payload
        self.signature = signature
        var writer = CanonicalWriter()
        Transaction.encodeFields(chainID: chainID, sender: sender, nonce: nonce, payload: payload, to: &writer)
        let fieldsCount = writer.bytes.count
        writer.write(signature)
        (signingDigest, id) = writer.bytes.withUnsafeBytes { bytes in
            (Transaction.signingDigest(fields: UnsafeRawBufferPointer(rebasing: bytes[..<fieldsCount])), SHA256.hash(bytes))
        }
        senderAddress = sender.address
    }

    /// Assembles a decoded transaction from its canonical encoding: the digests are hashed from
    /// the bytes read, without encoding them again.
    init(decoded chainID: Identifier, sender: PublicKey, nonce: UInt64, payload: Payload, signature: Signature, encoding: UnsafeRawBufferPointer) {
        self.chainID = chainID
        self.sender = sender
        self.nonce = nonce
        self.payload = payload
        self.signature = signature
        signingDigest = Transaction.signingDigest(fields: UnsafeRawBufferPointer(rebasing: encoding[..<(encoding.count - Signature.byteCount)]))
        id = SHA256.hash(encoding)
        senderAddress = sender.address
    }

    private static func signingDigest(fields: UnsafeRawBufferPointer) -> Digest {
        SHA256.hash { update in
            signingDomain.withUnsafeBytes { update($0) }
            update(fields)
        }
    }

    public static func signingDigest(chainID: Identifier, sender: PublicKey, nonce: UInt64, payload: Payload) -> Digest {
        var writer = CanonicalWriter()
        writer.writeFixed(signingDomain)
        encodeFields(chainID: chainID, sender: sender, nonce: nonce, payload: payload, to: &writer)
        return SHA256.hash(writer.bytes)
    }

    /// Throws unless the signature is the sender's over `signingDigest`.
    public func verifySignature(using verifier: some SignatureVerifier = P256Verifier()) throws(CryptoError) {
        guard verifier.isValidSignature(signature, digest: signingDigest, publicKey: sender) else {
            throw .signatureMismatch
        }
    }

    private static func encodeFields(chainID: Identifier, sender: PublicKey, nonce: UInt64, payload: Payload, to writer: inout CanonicalWriter) {
        writer.write(formatVersion)
        writer.write(chainID)
        writer.write(sender)
        writer.write(nonce)
        writer.write(payload)
    }

    public static func == (lhs: Transaction, rhs: Transaction) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

extension Transaction: CanonicalCodable {
    public func encode(to writer: inout CanonicalWriter) {
        Transaction.encodeFields(chainID: chainID, sender: sender, nonce: nonce, payload: payload, to: &writer)
        writer.write(signature)
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let start = reader.offset
        let version = try reader.readUInt8("transaction version")
        guard version == Transaction.formatVersion else { throw .unsupportedVersion(type: "transaction", version: version) }
        let chainID = try reader.read(Identifier.self)
        let sender = try reader.read(PublicKey.self)
        let nonce = try reader.readUInt64("nonce")
        let payload = try reader.read(Payload.self)
        let signature = try reader.read(Signature.self)
        guard reader.offset - start <= Limits.transactionSizeMaxBytes else {
            throw .lengthTooLarge(field: "transaction", length: UInt64(reader.offset - start), maximum: Limits.transactionSizeMaxBytes)
        }
        self = reader.withBytes(from: start) { encoding in
            Transaction(decoded: chainID, sender: sender, nonce: nonce, payload: payload, signature: signature, encoding: encoding)
        }
    }
}
