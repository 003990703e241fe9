import LedgerCrypto

/// What a handshake needs from the configuration: this node's key and the genesis roster.
struct HandshakeContext: Sendable {
    var genesisHash: Digest
    var localIndex: Int
    var validatorKeys: [PublicKey]
    var signer: any DigestSigner
    var verifier: any SignatureVerifier

    init(configuration: PeerNetworkConfiguration) {
        genesisHash = configuration.genesisHash
        localIndex = configuration.localIndex
        validatorKeys = configuration.validators.map(\.publicKey)
        signer = configuration.nodeKey
        verifier = configuration.signatureVerifier
    }

    init(genesisHash: Digest, localIndex: Int, validatorKeys: [PublicKey], signer: any DigestSigner, verifier: any SignatureVerifier) {
        self.genesisHash = genesisHash
        self.localIndex = localIndex
        self.validatorKeys = validatorKeys
        self.signer = signer
        self.verifier = verifier
    }

    func sign(_ transcript: HandshakeTranscript, as role: HandshakeRole) throws(HandshakeError) -> Signature {
        do { return try signer.sign(digest: transcript.digest(role: role)) } catch { throw .signingFailed(error) }
    }

    func verify(_ signature: Signature, of transcript: HandshakeTranscript, as role: HandshakeRole, by index: Int) throws(HandshakeError) {
        guard validatorKeys.indices.contains(index),
            verifier.isValidSignature(signature, digest: transcript.digest(role: role), publicKey: validatorKeys[index])
        else { throw .invalidSignature(validatorIndex: index) }
    }
}
