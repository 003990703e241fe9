import Hummingbird
import NIOCore
import NIOPosix
@testable import Node
import Testing

/// Attack F4: clients that never finish a request, or send one the decoder rejects and keep
/// the socket open, must not hold connections (and file descriptors) for good.
@Suite(.serialized) struct SlowClientTests {
    let service: FakeNodeService

    init() throws {
        service = try FakeNodeService(commitOnWait: true)
    }

    func server() -> APIServer<FakeNodeService> {
        var configuration = loopbackConfiguration()
        configuration.headerTimeoutSeconds = 0.5
        configuration.bodyTimeoutSeconds = 0.5
        // Longer than the request deadlines, so each slow client is cut off by its own rule.
        configuration.idleTimeoutSeconds = 2
        configuration.headerBytesMax = 4 * 1_024
        return APIServer(service: service, configuration: configuration, logger: quietAPILogger())
    }

    func connect(_ port: Int, group: any EventLoopGroup) async throws -> any Channel {
        try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
    }

    func write(_ channel: any Channel, _ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    @Test("a request head sent slowly, an endless body and an idle connection are each closed in time and counted")
    func slowClientsAreClosed() async throws {
        let server = server()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var failure: (any Error)?
        do { try await withRunningServer(server) { client in
            let slowHead = try await connect(client.port, group: group)
            try await write(slowHead, "GET /v1/status HTTP/1.1\r\nHost: node\r\n")
            let endlessBody = try await connect(client.port, group: group)
            try await write(endlessBody, "POST /v1/transactions HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[{\"a\"\r\n")
            let idle = try await connect(client.port, group: group)
            try await waitUntil("all three closed by the server") { !slowHead.isActive && !endlessBody.isActive && !idle.isActive }
            let stats = server.connectionStats.snapshot
            #expect(stats.headerTimeouts == 1)
            #expect(stats.bodyTimeouts == 1)
            try await waitUntil("no connection left open") { server.connectionStats.snapshot.open == 0 }
            // A client that finishes its request is served as before.
            #expect(try await send(client, .get, "/v1/status").status == .ok)
        } } catch { failure = error }
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    @Test("one source holds at most its share of connections; the rest are closed at once and counted, and freed slots serve again")
    func connectionsPerSourceAreCapped() async throws {
        var configuration = loopbackConfiguration()
        configuration.connectionsPerSourceMax = 3
        let server = APIServer(service: service, configuration: configuration, logger: quietAPILogger())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var failure: (any Error)?
        do { try await withRunningServer(server) { client in
            var held: [any Channel] = []
            for _ in 0..<3 { held.append(try await connect(client.port, group: group)) }
            try await waitUntil("three connections open") { server.connectionStats.snapshot.open == 3 }
            var refused: [any Channel] = []
            for _ in 0..<4 { refused.append(try await connect(client.port, group: group)) }
            try await waitUntil("the four beyond the share closed by the server") { refused.allSatisfy { !$0.isActive } }
            #expect(server.connectionStats.snapshot.refusedPerSource == 4)
            #expect(held.allSatisfy { $0.isActive })
            for channel in held { try await channel.close() }
            try await waitUntil("the held slots freed") { server.connectionStats.snapshot.open == 0 }
            #expect(try await send(client, .get, "/v1/status").status == .ok)
        } } catch { failure = error }
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    @Test("an oversize header is answered 400 and the socket closed, even if the client keeps it open; none leak")
    func oversizeHeadersDoNotLeakSockets() async throws {
        let server = server()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var failure: (any Error)?
        do { try await withRunningServer(server) { client in
            let huge = String(repeating: "x", count: 8 * 1_024)
            var channels: [any Channel] = []
            for _ in 0..<20 {
                let channel = try await connect(client.port, group: group)
                try await write(channel, "GET /v1/status HTTP/1.1\r\nHost: node\r\nX-Filler: \(huge)\r\n\r\n")
                channels.append(channel)
            }
            try await waitUntil("every oversize request's connection closed by the server") { channels.allSatisfy { !$0.isActive } }
            try await waitUntil("no connection left open") { server.connectionStats.snapshot.open == 0 }
            #expect(server.connectionStats.snapshot.malformedRequests == 20)
        } } catch { failure = error }
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }
}
