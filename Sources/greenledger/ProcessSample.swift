import Foundation

/// CPU time and memory of a running process, from /proc (Linux).
struct ProcessSample: Sendable {
    /// User plus system CPU seconds since the process started.
    let cpuSeconds: Double
    /// Resident set now, and its peak (VmHWM), in bytes.
    let rssBytes: Int
    let peakRSSBytes: Int

    static func read(_ pid: pid_t) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        else { return nil }
        // After "pid (comm)": field 3 (state) is index 0, utime (14) index 11, stime (15) index 12.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        func kilobytes(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Int(line.split(separator: " ").dropFirst().first ?? "0").map { $0 * 1_024 } ?? 0
        }
        return ProcessSample(cpuSeconds: (user + system) / ticks, rssBytes: kilobytes("VmRSS:"), peakRSSBytes: kilobytes("VmHWM:"))
    }

    /// This process's own CPU seconds.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Bytes of the regular files under `directory`.
    static func diskBytes(_ directory: String) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return 0 }
        var total = 0
        while let name = walker.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(name)")
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? Int) ?? 0 }
        }
        return total
    }
}
