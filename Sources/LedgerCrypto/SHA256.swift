import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 through OpenSSL's EVP API. The digest implementation is fetched once
/// (`EVP_MD_fetch`) and each thread reuses one `EVP_MD_CTX`: an implicit fetch per call
/// (`EVP_sha256()` inside `EVP_DigestInit`) costs about as much as hashing 250 bytes.
public enum SHA256 {
    public static func hash(_ bytes: [UInt8]) -> Digest {
        bytes.withUnsafeBytes { hash($0) }
    }

    public static func hash(_ buffer: UnsafeRawBufferPointer) -> Digest {
        hash { update in update(buffer) }
    }

    /// Hashes several parts as one message without concatenating them first.
    public static func hash(parts: [[UInt8]]) -> Digest {
        hash { update in
            for part in parts { part.withUnsafeBytes { update($0) } }
        }
    }

    /// Hashes whatever `feed` passes to `update`, in order, on this thread's reused context.
    public static func hash(_ feed: ((UnsafeRawBufferPointer) -> Void) -> Void) -> Digest {
        let context = DigestContext.current
        precondition(EVP_DigestInit_ex2(context, DigestContext.sha256, nil) == 1, "EVP_DigestInit_ex2(SHA256) failed")
        feed { buffer in
            guard buffer.count > 0 else { return }
            precondition(EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) == 1, "EVP_DigestUpdate failed")
        }
        var output = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &output) { raw in
            var length: UInt32 = 0
            precondition(
                EVP_DigestFinal_ex(context, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1 && length == 32,
                "EVP_DigestFinal_ex failed")
            return Digest(unsafeBytes: UnsafeRawBufferPointer(raw))
        }
    }
}

/// One `EVP_MD_CTX` per thread, freed when the thread exits.
enum DigestContext {
    /// Fetched once for the process; `EVP_MD` objects are immutable and thread-safe.
    nonisolated(unsafe) static let sha256: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else {
            preconditionFailure("OpenSSL has no SHA256 implementation: \(drainOpenSSLErrors())")
        }
        return md
    }()

    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            if let pointer { EVP_MD_CTX_free(OpaquePointer(pointer)) }
        }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    static var current: OpaquePointer {
        if let existing = pthread_getspecific(key) { return OpaquePointer(existing) }
        guard let context = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new: out of memory") }
        pthread_setspecific(key, UnsafeRawPointer(context))
        return context
    }
}
