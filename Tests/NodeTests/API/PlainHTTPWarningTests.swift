@testable import Node
import Testing

/// Plain HTTP stays for local use; on any other address the node warns at start.
@Suite("Where plain HTTP is local")
struct PlainHTTPWarningTests {
    @Test("loopback addresses are local; any other is warned about")
    func loopbackHosts() {
        for host in ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"] {
            #expect(APIConfiguration(host: host).isLoopbackHost, "\(host)")
        }
        for host in ["0.0.0.0", "10.0.0.7", "::", "api.bank.example", "128.0.0.1"] {
            #expect(!APIConfiguration(host: host).isLoopbackHost, "\(host)")
        }
    }
}
