import Consensus
import Foundation
import Storage

/// The replica's voting high-water mark (see `VotingHighWater`), in its own small file beside
/// the data directory — deliberately not in it: restoring the data directory from an older copy
/// must leave this file as it is, so the restarted replica sees that its journal is behind the
/// votes it signed and refuses to vote there again. Written atomically (temporary file, fsync,
/// rename, fsync of the directory) before any message of the step that raised it leaves.
///
/// Format: one line of JSON, `{"view":3,"height":1207}`.
struct HighWaterFile: Sendable {
    let path: String

    /// `<name>.vote-high-water.json` beside the data directory `<name>` (for `node-0/data`:
    /// `node-0/data.vote-high-water.json`): named after it, so that validators whose data
    /// directories share a parent never share a mark.
    init(besideDataDirectory dataDirectory: String) {
        let directory = URL(fileURLWithPath: dataDirectory).standardized
        let parent = directory.deletingLastPathComponent()
        path = parent.appendingPathComponent(directory.lastPathComponent + ".vote-high-water.json").path
    }

    private struct Contents: Codable {
        let view: UInt64
        let height: UInt64
    }

    /// The mark, or nil when the file does not exist (a new validator, or one from before it).
    func read() throws(NodeError) -> VotingHighWater? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let contents = try JSONDecoder().decode(Contents.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            return VotingHighWater(view: contents.view, height: contents.height)
        } catch {
            throw .startup("the voting high-water mark \(path) is unreadable (\(error)); it guards against voting twice after a restored backup — restore it, or remove it only if this data directory was never rolled back")
        }
    }

    func write(_ mark: VotingHighWater) throws {
        let bytes = try JSONEncoder().encode(Contents(view: mark.view, height: mark.height)) + Data("\n".utf8)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: bytes) else {
            throw NodeError.startup("cannot create \(temporary)")
        }
        try FileModes.set(FileModes.privateFile, at: temporary)
        try HighWaterFile.fsync(path: temporary)
        if rename(temporary, path) != 0 { throw NodeError.startup("cannot rename \(temporary) to \(path): errno \(errno)") }
        try HighWaterFile.fsync(path: (path as NSString).deletingLastPathComponent)
    }

    private static func fsync(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw NodeError.startup("cannot open \(path) to sync it: errno \(errno)") }
        defer { close(descriptor) }
        if Foundation.fsync(descriptor) != 0 { throw NodeError.startup("cannot sync \(path): errno \(errno)") }
    }
}
