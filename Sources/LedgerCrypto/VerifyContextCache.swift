import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// Initialized `EVP_PKEY_CTX`s for verification, one per (thread, key). In OpenSSL 3.0,
/// creating and initializing a context fetches the signature implementation through the
/// library's global, locked method store; with every core verifying, that lock — not the
/// elliptic-curve math — set the pace. An initialized context can verify any number of
/// signatures, as `openssl speed` does. Each thread owns its cache, so no lock is taken;
/// a bounded number of keys per thread (all dropped when full).
final class VerifyContextCache {
    private static let keysPerThreadMax = 512
    private var contexts: [[UInt8]: OpaquePointer] = [:]

    deinit {
        for context in contexts.values { EVP_PKEY_CTX_free(context) }
    }

    /// This thread's cache.
    static var current: VerifyContextCache {
        if let existing = pthread_getspecific(threadKey) {
            return Unmanaged<VerifyContextCache>.fromOpaque(existing).takeUnretainedValue()
        }
        let cache = VerifyContextCache()
        pthread_setspecific(threadKey, Unmanaged.passRetained(cache).toOpaque())
        return cache
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<VerifyContextCache>.fromOpaque(pointer).release() }
        }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    /// An initialized verification context for `compressed`, parsing the key if needed.
    func context(for compressed: [UInt8]) throws(CryptoError) -> OpaquePointer {
        if let context = contexts[compressed] { return context }
        let key = try PublicKeyCache.shared.key(for: compressed)
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key.pointer, nil) else {
            throw openSSLFailure("EVP_PKEY_CTX_new_from_pkey")
        }
        guard EVP_PKEY_verify_init(context) == 1 else {
            EVP_PKEY_CTX_free(context)
            throw openSSLFailure("EVP_PKEY_verify_init")
        }
        if contexts.count >= VerifyContextCache.keysPerThreadMax { removeAll() }
        contexts[compressed] = context
        return context
    }

    /// Forgets a context (after a failed verification, so no error state can linger in it).
    func discard(_ compressed: [UInt8]) {
        if let context = contexts.removeValue(forKey: compressed) { EVP_PKEY_CTX_free(context) }
    }

    private func removeAll() {
        for context in contexts.values { EVP_PKEY_CTX_free(context) }
        contexts.removeAll(keepingCapacity: true)
    }
}
