import LedgerCrypto
import NIOCore
import NIOSSL

/// TLS 1.3 with mutual authentication on every peer link, pinned to genesis.
///
/// Each validator presents a self-signed certificate for its genesis node key (made at start;
/// see `SigningKey.selfSignedCertificatePEM`). The other side accepts a certificate only when
/// its key is a genesis validator key — no CA, no names, no dates — and records which
/// validator that is; the link's own handshake must then claim that same validator
/// (`PeerConnection.tlsVerifiedIndex`). From then on every byte is encrypted and
/// authenticated by the TLS session of that key's holder: a relay without the key can neither
/// read a frame nor inject one (attack F5).
///
/// The private key never leaves OpenSSL: BoringSSL (inside swift-nio-ssl) runs the record
/// layer and asks `NodeKeyTLSSigner` for the one signature a TLS 1.3 handshake needs.
struct PeerTLS {
    let serverContext: NIOSSLContext
    let clientContext: NIOSSLContext
    /// Genesis validator keys by their SubjectPublicKeyInfo's point, to identify a peer's certificate.
    let validatorIndexByKey: [PublicKey: Int]

    init(nodeKey: SigningKey, localIndex: Int, validators: [PeerIdentity]) throws {
        let certificatePEM = try nodeKey.selfSignedCertificatePEM(commonName: "greenledger validator \(localIndex)")
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let privateKey = NIOSSLPrivateKey(customPrivateKey: NodeKeyTLSSigner(key: nodeKey))
        var server = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(privateKey))
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateChain = [.certificate(certificate)]
        client.privateKey = .privateKey(privateKey)
        Self.pin(&server)
        Self.pin(&client)
        serverContext = try NIOSSLContext(configuration: server)
        clientContext = try NIOSSLContext(configuration: client)
        var byKey: [PublicKey: Int] = [:]
        for validator in validators { byKey[validator.publicKey] = validator.index }
        validatorIndexByKey = byKey
    }

    /// TLS 1.3 only, ECDSA P-256 only. Verification is `verify`'s alone (the custom callback
    /// replaces BoringSSL's chain building); a server with any verification mode asks for, and
    /// requires, a client certificate.
    private static func pin(_ tls: inout TLSConfiguration) {
        tls.minimumTLSVersion = .tlsv13
        tls.maximumTLSVersion = .tlsv13
        tls.certificateVerification = .noHostnameVerification
        tls.signingSignatureAlgorithms = [.ecdsaSecp256R1Sha256]
        tls.verifySignatureAlgorithms = [.ecdsaSecp256R1Sha256]
    }

    /// The TLS handler for a new connection: it verifies the peer's certificate against
    /// genesis and, for an outbound one, against the validator dialed.
    func handler(for connection: PeerConnection) throws -> NIOSSLHandler {
        let verify: NIOSSLCustomVerificationCallback = { [validatorIndexByKey] certificates, promise in
            promise.succeed(Self.verify(certificates, validators: validatorIndexByKey, connection: connection))
        }
        switch connection.direction {
        case .inbound:
            return NIOSSLServerHandler(context: serverContext, customVerificationCallback: verify)
        case .outbound:
            return try NIOSSLClientHandler(context: clientContext, serverHostname: nil, customVerificationCallback: verify)
        }
    }

    /// BoringSSL's reason code (`SSLV3_ALERT_CERTIFICATE_UNKNOWN`, `WRONG_VERSION_NUMBER`),
    /// with a hint for the common ones; the whole error otherwise.
    static func describe(_ error: any Error) -> String {
        guard let code = TLSFailureReason.code(in: error) else { return "\(error)" }
        switch code {
        case "SSLV3_ALERT_CERTIFICATE_UNKNOWN", "TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_BAD_CERTIFICATE":
            return "\(code): the peer refused this node's certificate (is this node's key the one its genesis lists?)"
        case "WRONG_VERSION_NUMBER", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST":
            return "\(code): the other side does not speak TLS 1.3 (an older node, or not a GreenLedger peer port)"
        default:
            return code
        }
    }

    /// Accepts the leaf certificate's key when genesis lists it (for an outbound connection,
    /// as the validator dialed), and records the validator on the connection. Runs on the
    /// connection's event loop, during the TLS handshake, before any application byte is read.
    static func verify(_ certificates: [NIOSSLCertificate], validators: [PublicKey: Int], connection: PeerConnection) -> NIOSSLVerificationResult {
        guard let leaf = certificates.first,
              let spki = try? leaf.extractPublicKey().toSPKIBytes(),
              let key = try? PublicKey(spkiDER: spki),
              let index = validators[key] else {
            connection.tlsRefusal = "its TLS certificate's key is no genesis validator's"
            return .failed
        }
        if let dialed = connection.dialedIndex, dialed != index {
            connection.tlsRefusal = "its TLS certificate is validator \(index)'s, not validator \(dialed)'s"
            return .failed
        }
        connection.tlsVerifiedIndex = index
        return .certificateVerified
    }
}

/// The node key as a TLS private key: BoringSSL hands over what to sign, OpenSSL signs it.
struct NodeKeyTLSSigner: NIOSSLCustomPrivateKey, Hashable {
    let key: SigningKey

    var signatureAlgorithms: [SignatureAlgorithm] { [.ecdsaSecp256R1Sha256] }

    func sign(channel: any Channel, algorithm: SignatureAlgorithm, data: ByteBuffer) -> EventLoopFuture<ByteBuffer> {
        guard algorithm == .ecdsaSecp256R1Sha256 else {
            return channel.eventLoop.makeFailedFuture(PeerNetworkError.tls("asked for signature algorithm \(algorithm), only ECDSA P-256 SHA-256 is offered"))
        }
        do {
            // TLS 1.3 signs 64 spaces, a context string and the transcript hash: never a
            // ledger message's digest, so the node key's two uses cannot be confused.
            let signature = try key.sign(message: Array(data.readableBytesView))
            return channel.eventLoop.makeSucceededFuture(ByteBuffer(bytes: signature.derEncoding))
        } catch {
            return channel.eventLoop.makeFailedFuture(PeerNetworkError.tls("the node key could not sign the TLS handshake: \(error)"))
        }
    }

    func decrypt(channel: any Channel, data: ByteBuffer) -> EventLoopFuture<ByteBuffer> {
        channel.eventLoop.makeFailedFuture(PeerNetworkError.tls("RSA decryption is never used with TLS 1.3"))
    }

    static func == (lhs: NodeKeyTLSSigner, rhs: NodeKeyTLSSigner) -> Bool { lhs.key.publicKey == rhs.key.publicKey }
    func hash(into hasher: inout Hasher) { hasher.combine(key.publicKey) }
}
