import Foundation

/// `HOME/node.pid`: the pid of the node running on a validator's home. `node start` writes it
/// and removes it on a clean exit; `testnet up` writes it for the nodes it starts. Which node
/// runs on a home is decided by `HOME/node.lock` (`NodeHomeLock`), not by this file: a stale
/// file can name a pid the kernel has since given to anything, even another home's node.
struct NodePIDFile {
    let home: String
    let path: String

    init(home: String) {
        self.home = home
        path = URL(fileURLWithPath: home).appendingPathComponent("node.pid").path
    }

    /// The recorded pid if that process is alive and is the node of this home: it holds the
    /// home's lock, or (while starting, before it takes the lock) its command line names
    /// this home.
    func runningPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
            LocalProcess.isAlive(pid)
        else { return nil }
        if NodeHomeLock.isHeld(home: home) { return pid }
        return NodePIDFile.commandLine(of: pid, namesHome: home) ? pid : nil
    }

    func write(_ pid: pid_t) throws {
        try "\(pid)\n".write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Removes the file if it still names `pid` (a newer node's file is left alone).
    func remove(ifOwnedBy pid: pid_t) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) == pid
        else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// True when `pid` runs `… node start --home H` with H (resolved against the process's
    /// working directory) the same directory as `home`.
    static func commandLine(of pid: pid_t, namesHome home: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains("node"), arguments.contains("start"),
            let flag = arguments.firstIndex(of: "--home"), flag + 1 < arguments.count
        else { return false }
        var theirs = arguments[flag + 1]
        if !theirs.hasPrefix("/") {
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
            theirs = (cwd as NSString).appendingPathComponent(theirs)
        }
        return canonical(theirs) == canonical(home)
    }

    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: absolute).standardized.resolvingSymlinksInPath().path
    }
}

/// `HOME/node.lock`: an exclusive `flock` the running node holds for its whole life, so two
/// nodes can never run on one home (no race between checking and starting, no trust in a pid
/// that may have been recycled), and anyone can ask whether a node runs there. The kernel
/// drops the lock when the process ends, however it ends.
final class NodeHomeLock {
    private let descriptor: Int32

    /// Takes the lock, or returns nil when another process holds it.
    init?(home: String) throws {
        let path = URL(fileURLWithPath: home).appendingPathComponent("node.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock, waiting up to `seconds` for a holder that is exiting: a killed node's
    /// lock outlives the pid it was seen under by a moment (its main thread is already a
    /// zombie while its other threads still close its files), and a supervisor restarting it
    /// at once must not be refused for that. Nil when the lock is still held after the wait.
    static func acquire(home: String, waitingUpTo seconds: Double) throws -> NodeHomeLock? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let lock = try NodeHomeLock(home: home) { return lock }
            guard Date() < deadline else { return nil }
            usleep(50_000)  // a bounded poll: flock offers no wait with a timeout
        }
    }

    /// True while some process holds `home`'s lock.
    static func isHeld(home: String) -> Bool {
        let path = URL(fileURLWithPath: home).appendingPathComponent("node.lock").path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }
}
