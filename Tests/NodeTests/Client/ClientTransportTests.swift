import NIOCore
import NIOPosix
import Node
import Synchronization
import Testing

/// The client against servers that behave the way real ones do at the edges: one that answers
/// and closes before the request has finished arriving, and one whose first connections end
/// without an answer. A read must succeed in both cases (the CI run that found this showed
/// `verify` reporting "FAILED at height 1" for a connection the node had closed after
/// answering).
@Suite("NodeClient transport edges")
struct ClientTransportTests {
    /// A raw TCP server on 127.0.0.1. On the first bytes of a connection it counts it; the
    /// first `silentConnections` are closed without a byte, the others get `response` and
    /// are closed at once — before the rest of the client's request has been read.
    final class EagerServer: Sendable {
        let response: String
        let silentConnections: Int
        let accepted = Mutex(0)

        init(response: String, silentConnections: Int = 0) {
            self.response = response
            self.silentConnections = silentConnections
        }

        /// Counts the connection and says whether it gets the answer.
        func admit() -> Bool {
            accepted.withLock { count in
                defer { count += 1 }
                return count >= silentConnections
            }
        }

        var acceptedCount: Int { accepted.withLock { $0 } }

        func start() async throws -> Channel {
            try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(server: self)) }
                }
                .bind(host: "127.0.0.1", port: 0).get()
        }

        final class Handler: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            let server: EagerServer

            init(server: EagerServer) { self.server = server }

            /// Answers and closes on the first bytes of the request (its head), without
            /// waiting for the rest, the way an HTTP server does once a request is complete.
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                guard !answered else { return }
                answered = true
                guard server.admit() else {
                    context.close(promise: nil)
                    return
                }
                let bytes = context.channel.allocator.buffer(string: server.response)
                context.writeAndFlush(NIOAny(bytes), promise: nil)
                context.close(promise: nil)
            }

            private var answered = false
        }
    }

    static let healthResponse =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"ok\"}"

    @Test("an answer sent and closed before the request is fully written is still read, every time")
    func answerBeforeRequestEnds() async throws {
        let server = EagerServer(response: Self.healthResponse)
        let channel = try await server.start()
        let port = try #require(channel.localAddress?.port)
        let client = NodeClient(host: "127.0.0.1", port: port, requestTimeoutMillis: 5_000)
        for _ in 0..<200 {
            #expect(try await client.health().body == HealthBody(status: "ok"))
        }
        try await channel.close()
    }

    @Test("a read whose connections close without an answer is tried again, then reported as a transport failure")
    func readRetriesThenReports() async throws {
        let recovering = EagerServer(response: Self.healthResponse, silentConnections: 2)
        let channel = try await recovering.start()
        let port = try #require(channel.localAddress?.port)
        let client = NodeClient(host: "127.0.0.1", port: port, requestTimeoutMillis: 5_000)
        #expect(try await client.health().body == HealthBody(status: "ok"))
        #expect(recovering.acceptedCount == 3)
        try await channel.close()

        let silent = EagerServer(response: Self.healthResponse, silentConnections: .max)
        let silentChannel = try await silent.start()
        let silentPort = try #require(silentChannel.localAddress?.port)
        let failing = NodeClient(host: "127.0.0.1", port: silentPort, requestTimeoutMillis: 5_000)
        await #expect(throws: NodeClientError.self) { try await failing.health() }
        #expect(silent.acceptedCount == 3)
        try await silentChannel.close()
    }
}
