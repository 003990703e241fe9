import COpenSSL

/// A small certificate authority for the client API's TLS: `testnet up` makes one per local
/// network, issues each node a server certificate, and the CLI trusts the CA with `--ca`.
/// P-256 keys, SHA-256 signatures, through OpenSSL like every other key here.
public struct TLSCertificateAuthority: Sendable {
    public let key: SigningKey
    public let certificatePEM: String

    /// A fresh CA: a new key and a self-signed CA certificate valid for `days`.
    public init(commonName: String, days: Int = 3_650) throws(CryptoError) {
        let key = try SigningKey()
        let certificate = try Self.issue(
            subject: key, issuerKey: key, issuerPEM: nil, commonName: commonName, subjectAltNames: nil, isCA: true, serial: 1, days: days)
        self.key = key
        certificatePEM = certificate
    }

    /// An existing CA, from its key and certificate.
    public init(key: SigningKey, certificatePEM: String) {
        self.key = key
        self.certificatePEM = certificatePEM
    }

    /// A server certificate for `key`, valid for the names and addresses in `subjectAltNames`
    /// (`"IP:127.0.0.1"`, `"DNS:localhost"`), signed by this CA.
    public func issueServerCertificate(
        for key: SigningKey, commonName: String, subjectAltNames: [String], serial: Int = 2, days: Int = 825
    ) throws(CryptoError) -> String {
        guard !subjectAltNames.isEmpty, subjectAltNames.allSatisfy({ $0.hasPrefix("IP:") || $0.hasPrefix("DNS:") }) else {
            throw .unsupportedKey(reason: "a server certificate needs subject alternative names of the form IP:… or DNS:…")
        }
        return try Self.issue(
            subject: key, issuerKey: self.key, issuerPEM: certificatePEM, commonName: commonName,
            subjectAltNames: subjectAltNames.joined(separator: ","), isCA: false, serial: serial, days: days)
    }

    private static func issue(
        subject: SigningKey, issuerKey: SigningKey, issuerPEM: String?, commonName: String, subjectAltNames: String?,
        isCA: Bool, serial: Int, days: Int
    ) throws(CryptoError) -> String {
        var issuer: OpaquePointer? = nil
        if let issuerPEM {
            issuer = try MemoryBIO.reading(Array(issuerPEM.utf8)) { (bio) throws(CryptoError) -> OpaquePointer in
                guard let certificate = gl_read_certificate_pem(bio) else {
                    throw CryptoError.malformedKey(reason: "the CA certificate is not a PEM certificate (\(drainOpenSSLErrors()))")
                }
                return certificate
            }
        }
        defer { if let issuer { X509_free(issuer) } }
        let seconds = days * 86_400
        let issued = commonName.withCString { name in
            if let subjectAltNames {
                return subjectAltNames.withCString { names in
                    gl_issue_certificate(subject.keyPointer, issuerKey.keyPointer, issuer, name, names, isCA ? 1 : 0, serial, seconds)
                }
            }
            return gl_issue_certificate(subject.keyPointer, issuerKey.keyPointer, issuer, name, nil, isCA ? 1 : 0, serial, seconds)
        }
        guard let issued else { throw openSSLFailure("X509_sign (issuing a certificate)") }
        defer { X509_free(issued) }
        let bytes = try MemoryBIO.writing({ PEM_write_bio_X509($0, issued) }, operation: "PEM_write_bio_X509")
        return String(decoding: bytes, as: UTF8.self)
    }
}
