import Foundation
import LedgerCrypto
import Storage

/// Reading and writing key files the way operators expect: private keys as PKCS#8 PEM with
/// mode 0600, never overwriting an existing file.
enum KeyFiles {
    static func writePrivateKey(_ key: SigningKey, to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(path) already exists; refusing to overwrite a key file (move it away or choose another --out)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        // A directory made here is 0700; one the operator named is left as it is.
        if !FileManager.default.fileExists(atPath: directory.path) { try FileModes.createPrivateDirectory(directory.path) }
        let created = FileManager.default.createFile(
            atPath: path, contents: Data(try key.pkcs8PEM.utf8), attributes: [.posixPermissions: FileModes.privateFile])
        guard created else { throw CLIError("cannot write \(path): check the directory exists and is writable") }
        try FileModes.set(FileModes.privateFile, at: path)
    }

    static func readPrivateKey(_ path: String) throws -> SigningKey {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIError("cannot read key file \(path): \(error.localizedDescription)")
        }
        guard data.count <= 16_384 else { throw CLIError("\(path) is too large to be a key file") }
        do { return try SigningKey(pem: String(decoding: data, as: UTF8.self)) } catch {
            throw CLIError("\(path): \(error)")
        }
    }
}
