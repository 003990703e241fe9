import COpenSSL

extension SigningKey {
    /// A self-signed X.509 certificate for this key, as PEM: what a validator presents on its
    /// TLS peer links. Peers accept it because its key is the one genesis lists for the
    /// validator, not because of a name, an issuer or dates, so a fresh one made at each start
    /// is as good as a stored one. Valid for 100 years from an hour ago.
    public func selfSignedCertificatePEM(commonName: String) throws(CryptoError) -> String {
        guard let certificate = commonName.withCString({ gl_self_signed_certificate(keyPointer, $0, 100 * 365 * 86_400) }) else {
            throw openSSLFailure("X509_sign (self-signed certificate)")
        }
        defer { X509_free(certificate) }
        let bytes = try MemoryBIO.writing({ PEM_write_bio_X509($0, certificate) }, operation: "PEM_write_bio_X509")
        return String(decoding: bytes, as: UTF8.self)
    }
}
