import Foundation
import LedgerCrypto
import NIOCore
import NIOPosix
@testable import Node
import Testing

/// Client API over HTTPS: a node serving a certificate from a local CA, and the client that
/// trusts that CA with `--ca` (and no other).
@Suite("API over TLS")
struct APITLSTests {
    struct Material {
        let directory: URL
        let caFile: String
        let tls: APITLS

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenledger-api-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let authority = try TLSCertificateAuthority(commonName: "greenledger test CA")
            let serverKey = try SigningKey()
            let certificate = try authority.issueServerCertificate(
                for: serverKey, commonName: "validator-0", subjectAltNames: ["IP:127.0.0.1", "DNS:localhost"])
            caFile = directory.appendingPathComponent("ca.pem").path
            try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
            tls = APITLS(certificateChainPEM: certificate, privateKeyPEM: try serverKey.pkcs8PEM)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    func serve(_ material: Material, _ body: (Int) async throws -> Void) async throws {
        var configuration = loopbackConfiguration()
        configuration.tls = material.tls
        let server = APIServer(service: try FakeNodeService(), configuration: configuration, logger: quietAPILogger())
        try await withRunningServer(server) { api in try await body(api.port) }
    }

    @Test("a client trusting the node's CA gets answers over https://, by address and by name")
    func trustedCA() async throws {
        let material = try Material()
        defer { material.remove() }
        try await serve(material) { port in
            let byAddress = try NodeClient(url: "https://127.0.0.1:\(port)", caFile: material.caFile)
            #expect(byAddress.scheme == "https")
            #expect(try await byAddress.status().height >= 0)
            let byName = try NodeClient(url: "https://localhost:\(port)", caFile: material.caFile)
            #expect(try await byName.status().height >= 0)
        }
    }

    @Test("without the CA, with another CA, or over plain HTTP, nothing is exchanged and the error says why")
    func refusals() async throws {
        let material = try Material()
        defer { material.remove() }
        let other = try Material()
        defer { other.remove() }
        try await serve(material) { port in
            do {
                _ = try await NodeClient(url: "https://127.0.0.1:\(port)", caFile: other.caFile).status()
                Issue.record("a certificate from an untrusted CA was accepted")
            } catch {
                guard case .tls(_, let reason)? = error as? NodeClientError else {
                    Issue.record("expected a TLS error, got \(error)")
                    return
                }
                #expect(reason.contains("not signed by a trusted CA"), "\(reason)")
            }
            // Plain HTTP to an HTTPS port gets no answer.
            await #expect(throws: NodeClientError.self) { _ = try await NodeClient(host: "127.0.0.1", port: port, requestTimeoutMillis: 3_000).status() }
        }
        #expect(throws: NodeClientError.self) { try NodeClient(url: "http://127.0.0.1:8100", caFile: material.caFile) }
        #expect(throws: NodeClientError.self) { try NodeClient(url: "https://127.0.0.1:8100", caFile: "/nonexistent/ca.pem") }
    }

    @Test("an HTTPS socket left silent, or a handshake that never ends, is closed at the head deadline and counted")
    func silentTLSSocketsAreClosed() async throws {
        let material = try Material()
        defer { material.remove() }
        var configuration = loopbackConfiguration()
        configuration.tls = material.tls
        configuration.headerTimeoutSeconds = 0.5
        configuration.idleTimeoutSeconds = 30
        let server = APIServer(service: try FakeNodeService(), configuration: configuration, logger: quietAPILogger())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var failure: (any Error)?
        do { try await withRunningServer(server) { api in
            let silent = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: api.port).get()
            // The first bytes of a TLS record header, then nothing.
            let partial = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: api.port).get()
            try await partial.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01]))
            try await waitUntil("both closed by the server", timeout: .seconds(10)) { !silent.isActive && !partial.isActive }
            #expect(server.connectionStats.snapshot.tlsHandshakeTimeouts == 2)
            // A client that completes its handshake is served, and not cut off at the deadline.
            let client = try NodeClient(url: "https://127.0.0.1:\(api.port)", caFile: material.caFile)
            #expect(try await client.status().height >= 0)
            let metrics = try await client.metricsText()
            #expect(metrics.contains("reason=\"tls_handshake_timeout\"") && metrics.contains("greenledger_api_connections_closed_total"))
        } } catch { failure = error }
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    @Test("a certificate and key that do not belong together are refused before serving")
    func mismatchedKey() throws {
        let material = try Material()
        defer { material.remove() }
        let wrong = APITLS(certificateChainPEM: material.tls.certificateChainPEM, privateKeyPEM: try SigningKey().pkcs8PEM)
        #expect(throws: APITLSError.self) { try wrong.makeServerContext() }
        #expect(throws: APITLSError.self) { try APITLS(certificateChainPEM: "not a certificate", privateKeyPEM: material.tls.privateKeyPEM).makeServerContext() }
        _ = try material.tls.makeServerContext()
    }
}
