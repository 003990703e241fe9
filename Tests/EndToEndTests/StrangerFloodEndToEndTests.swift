import Foundation
import LedgerCore
import LedgerCrypto
import NIOCore
import NIOPosix
import Testing

/// Issue 14's outsider rows on real processes: strangers on a validator's peer port (no key)
/// send 4 MiB of junk per connection (F6), hold connections open without a word (F2) and dial
/// and hang up as fast as they can (F7). TLS refuses them before a frame is read; the
/// validator stays within its memory and file bounds, counts them, and the network commits.
@Suite("End to end: strangers on the peer port", .serialized)
struct StrangerFloodEndToEndTests {
    /// Resident memory of a process, from /proc.
    static func residentBytes(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1_024
    }

    static func openFiles(_ pid: pid_t) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    }

    @Test("junk floods, squatters and dial storms on a peer port: refused before a frame, bounded, counted; commits go on")
    func strangersAreBoundedAndCommitsGoOn() async throws {
        let net = try TestnetHarness(nodes: 4)
        _ = try net.up()
        let genesis = try net.genesis
        let pid = try #require(net.pid(0))
        let peerPort = Int(genesis.validators[0].port)
        let rssBefore = Self.residentBytes(pid)
        let filesBefore = Self.openFiles(pid)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var squatters: [any Channel] = []
        let junk = ByteBuffer(repeating: 0x42, count: 4 << 20)
        // F2: 64 silent connections; F6: 32 connections × 4 MiB of junk; F7: 300 dial-and-hang-ups.
        for _ in 0..<64 {
            if let channel = try? await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: peerPort).get() { squatters.append(channel) }
        }
        for _ in 0..<32 {
            guard let channel = try? await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: peerPort).get() else { continue }
            channel.writeAndFlush(junk, promise: nil)
            squatters.append(channel)
        }
        for _ in 0..<300 {
            if let channel = try? await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: peerPort).get() { try? await channel.close() }
        }

        // The network commits meanwhile, node-0 included.
        let bank = try net.key("green-bank")
        let transfer = try net.transfer(nonce: 1, amount: 5, purpose: "under attack", signer: bank)
        let result = try #require(try await net.client(1).submit([transfer], waitMillis: 30_000).first)
        #expect(result.commit?.status == "committed", "\(net.logTails())")
        try await waitUntil("node-0 to commit too", timeoutSeconds: 30) {
            (try? await net.client(0).transaction(transfer.id).status) == "committed"
        }
        let rssDuring = Self.residentBytes(pid)
        let filesDuring = Self.openFiles(pid)
        // 96 × 4 MiB would be 384 MiB if buffered; TLS reads a record header and closes.
        #expect(rssDuring - rssBefore < 64 << 20, "node-0 grew from \(rssBefore >> 20) to \(rssDuring >> 20) MiB")
        // Pending handshakes are capped at 64 (16 per source, the oldest evicted): sockets do not pile up.
        #expect(filesDuring < filesBefore + 100, "node-0 holds \(filesDuring) files (\(filesBefore) before)")

        let metrics = try await net.client(0).metricsText()
        func refused(_ kind: String) -> Double {
            metrics.split(separator: "\n").first { $0.hasPrefix("greenledger_peer_refused_total") && $0.contains("kind=\"\(kind)\"") }
                .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(refused("handshake_failed") + refused("handshake_evicted") + refused("connection_rate") > 0, "nothing counted:\n\(metrics)")

        for channel in squatters { try? await channel.close() }
        try await group.shutdownGracefully()
        try await waitUntil("node-0's sockets to be released", timeoutSeconds: 30) {
            Self.openFiles(pid) < filesBefore + 8
        }
    }
}
