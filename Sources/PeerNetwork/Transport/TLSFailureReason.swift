import Foundation

/// BoringSSL's reason code in a TLS error (`SSLV3_ALERT_CERTIFICATE_UNKNOWN`,
/// `CERTIFICATE_VERIFY_FAILED`, …): the part of its long description an operator can act on.
public enum TLSFailureReason {
    public static func code(in error: any Error) -> String? {
        let text = "\(error)"
        guard let range = text.range(of: #"OPENSSL_internal:[A-Z0-9_]+"#, options: .regularExpression) else { return nil }
        return String(text[range].dropFirst("OPENSSL_internal:".count))
    }
}
