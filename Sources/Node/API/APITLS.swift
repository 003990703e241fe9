import NIOSSL

/// TLS for the client API: the server's certificate chain and private key, as PEM (from the
/// files `apiCertificate` and `apiPrivateKey` in node.json). TLS 1.2 or 1.3; the API key is
/// a transport key only — it signs no ledger data, so BoringSSL may hold it.
public struct APITLS: Sendable, Hashable {
    public var certificateChainPEM: String
    public var privateKeyPEM: String

    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// The server context; throws with a sentence when the PEMs do not make one.
    public func makeServerContext() throws(APITLSError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8)) } catch {
            throw .invalid("the API certificate file holds no PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw .invalid("the API certificate file holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem) } catch {
            throw .invalid("the API private key file holds no unencrypted PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw .invalid("the API certificate and private key do not make a TLS server (do they belong together?): \(error)")
        }
    }

    /// A client context trusting the CA certificates in `caPEM` (nil: the system's roots),
    /// checking the server's name or address against its certificate.
    public static func makeClientContext(caPEM: String?) throws(APITLSError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caPEM {
            let roots: [NIOSSLCertificate]
            do { roots = try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)) } catch {
                throw .invalid("the CA file holds no PEM certificate (\(error))")
            }
            guard !roots.isEmpty else { throw .invalid("the CA file holds no PEM certificate") }
            configuration.trustRoots = .certificates(roots)
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw .invalid("cannot set up TLS: \(error)")
        }
    }
}

public enum APITLSError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
