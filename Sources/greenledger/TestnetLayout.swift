import Foundation
import Node

/// Where a local testnet keeps its files: `DIR/genesis.json`, `DIR/keys/*.pem`, and per
/// validator `DIR/node-i/` with `node.json` (config), `data/` (the ledger), `node.log` and
/// `node.pid`.
struct TestnetLayout {
    let directory: String

    var genesisPath: String { path("genesis.json") }
    var keysDirectory: String { path("keys") }
    func nodeHome(_ index: Int) -> String { path("node-\(index)") }
    func configPath(_ index: Int) -> String { "\(nodeHome(index))/node.json" }
    func logPath(_ index: Int) -> String { "\(nodeHome(index))/node.log" }
    func pidPath(_ index: Int) -> String { NodePIDFile(home: nodeHome(index)).path }
    /// The testnet's own CA: it issued every node's API certificate; clients pass it with `--ca`.
    var caPath: String { path("ca.pem") }
    static let apiCertificateFile = "api-certificate.pem"
    static let apiKeyFile = "api-key.pem"

    /// A node's client API as a URL: https when its node.json names a certificate.
    func apiURL(_ configuration: NodeConfiguration) -> String {
        "\(configuration.apiCertificate == nil ? "http" : "https")://\(configuration.apiHost):\(configuration.apiPort)"
    }

    /// `--node URL`, and `--ca DIR/ca.pem` for an https node: what a CLI command needs to reach it.
    func nodeArguments(_ configuration: NodeConfiguration) -> [String] {
        ["--node", apiURL(configuration)] + (configuration.apiCertificate == nil ? [] : ["--ca", caPath])
    }

    /// A client for a node of this testnet (trusting the testnet's CA for https).
    func client(_ configuration: NodeConfiguration, requestTimeoutMillis: UInt64) throws -> NodeClient {
        var client = try NodeClient(url: apiURL(configuration), caFile: configuration.apiCertificate == nil ? nil : caPath)
        client.requestTimeoutMillis = requestTimeoutMillis
        return client
    }

    private func path(_ name: String) -> String { URL(fileURLWithPath: directory).appendingPathComponent(name).path }

    /// Validator homes present, in index order.
    func nodeIndices() -> [Int] {
        var indices: [Int] = []
        while FileManager.default.fileExists(atPath: configPath(indices.count)) { indices.append(indices.count) }
        return indices
    }

    /// The pid recorded for node `index` if that process is still alive.
    func runningPID(_ index: Int) -> pid_t? { NodePIDFile(home: nodeHome(index)).runningPID() }
}

/// Process helpers for the testnet: detached children and free-port checks.
enum LocalProcess {
    /// Starts `executable arguments` in its own session (so it outlives this command and a
    /// closed terminal), with stdout and stderr appended to `logPath`. Returns its pid.
    static func spawnDetached(_ executable: String, _ arguments: [String], logPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Only stdin, stdout and stderr: an inherited pipe or socket would keep whoever holds
        // its other end (a shell, a supervisor, a test) waiting for this node to exit.
        // (glibc's posix_spawn ignores a close of a descriptor that is no longer open.)
        let inherited = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap(Int32.init) ?? []
        for descriptor in inherited where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (0x80 in glibc) is hidden behind _GNU_SOURCE from Swift.
        posix_spawnattr_setflags(&attributes, 0x80)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw CLIError("cannot start \(executable): \(String(cString: strerror(status)))") }
        return pid
    }

    /// True when nothing listens on 127.0.0.1:`port` and we may bind it.
    static func isPortFree(_ port: Int, host: String = "127.0.0.1") -> Bool {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { return false }
        defer { close(socketDescriptor) }
        // As the real listeners do: a socket in TIME_WAIT from an earlier run does not make a port busy.
        var reuse: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// This binary's own path, to start nodes with the same build.
    static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// SIGTERM to every process at once, then SIGKILL to those that have not exited by the
    /// deadline. Returns the pids that had to be killed.
    static func stop(_ pids: [pid_t], graceSeconds: Double = 10) -> Set<pid_t> {
        var running = Set(pids.filter { kill($0, SIGTERM) == 0 })
        let deadline = Date().addingTimeInterval(graceSeconds)
        while !running.isEmpty, Date() < deadline {
            running = running.filter(isAlive)
            if !running.isEmpty { usleep(50_000) }
        }
        for pid in running { kill(pid, SIGKILL) }
        return running
    }

    /// False once the process has exited — also when it is a zombie its parent (another
    /// process than this one, e.g. a test driver) has not reaped yet: `kill(pid, 0)` still
    /// succeeds for those, and waiting on it would only run out the grace period.
    static func isAlive(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        // EPERM: it exists but belongs to another user (a node run as a service account).
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        // /proc/PID/stat: "pid (comm) state …"; the command may hold spaces and parentheses.
        let state = stat[stat.index(after: close)...].drop(while: { $0 == " " }).first
        return state != "Z" && state != "X"
    }
}
