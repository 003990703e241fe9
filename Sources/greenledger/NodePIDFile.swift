import Foundation

/// `HOME/node.pid`: the pid of the node running on a validator's home. `node start` writes it
/// and removes it on a clean exit; `testnet up` writes it for the nodes it starts.
struct NodePIDFile {
    let path: String

    init(home: String) { path = URL(fileURLWithPath: home).appendingPathComponent("node.pid").path }

    /// The recorded pid if that process is still alive.
    func runningPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        guard LocalProcess.isAlive(pid) else { return nil }
        // A pid the kernel has since given to another program is not a node.
        if let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) {
            let arguments = command.split(separator: "\0")
            guard arguments.contains("node"), arguments.contains("start") else { return nil }
        }
        return pid
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
}
