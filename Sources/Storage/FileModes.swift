import Foundation

/// File permissions set explicitly, whatever the umask (chmod is not masked by it): what a
/// validator keeps — its data directory, database, journal, high-water mark and keys — is
/// readable by its operator alone; the genesis, which every participant shares, by everyone.
public enum FileModes {
    public static let privateDirectory: mode_t = 0o700
    public static let privateFile: mode_t = 0o600
    public static let sharedFile: mode_t = 0o644

    public struct Failure: Error, CustomStringConvertible {
        public let path: String
        public let errno: Int32
        public var description: String { "cannot set the permissions of \(path): \(String(cString: strerror(errno)))" }
    }

    /// Sets `mode` on `path` (a file or a directory).
    public static func set(_ mode: mode_t, at path: String) throws(Failure) {
        guard chmod(path, mode) == 0 else { throw Failure(path: path, errno: errno) }
    }

    /// Sets `mode` on `path` if it exists.
    public static func setIfPresent(_ mode: mode_t, at path: String) throws(Failure) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try set(mode, at: path)
    }

    /// Creates `path` (and any missing parents) and makes the directory itself 0700.
    public static func createPrivateDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try set(privateDirectory, at: path)
    }

    /// Creates an empty file with mode 0600 unless it exists, so that whatever is written to it
    /// later (SQLite gives its -wal and -shm files the database's mode) is never readable by
    /// others, even for a moment.
    public static func createPrivateFileIfMissing(_ path: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, privateFile)
        if descriptor < 0 {
            if errno == EEXIST { return }
            throw Failure(path: path, errno: errno)
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, privateFile) == 0 else { throw Failure(path: path, errno: errno) }
    }
}
