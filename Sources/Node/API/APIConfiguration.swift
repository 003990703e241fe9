/// Where and within which bounds the client API serves.
public struct APIConfiguration: Sendable, Hashable {
    public var host: String
    /// 0 picks an ephemeral port (tests); `APIServer.run(onListening:)` reports the real one.
    public var port: Int
    /// Largest request body read; larger requests get 413 `body-too-large`.
    public var bodySizeMaxBytes: Int
    /// Most transactions in one POST.
    public var batchTransactionsMax: Int
    /// Longest `?wait=true` wait a client may ask for; longer requests are capped to it.
    public var waitTimeoutMaxMillis: UInt64
    /// The wait when `?wait=true` gives no `timeoutMillis`.
    public var waitTimeoutDefaultMillis: UInt64
    /// A request head must be complete this long after its first byte; its body this long
    /// after the head; a connection with no request in progress is closed after
    /// `idleTimeoutSeconds`. Slow clients cannot hold connections (and file descriptors).
    public var headerTimeoutSeconds: Double = 10
    public var bodyTimeoutSeconds: Double = 60
    public var idleTimeoutSeconds: Double = 60
    /// Largest request head (all header fields); a larger one is answered 400 and closed.
    public var headerBytesMax: Int = 16 * 1_024
    /// Open client connections at most; beyond it the listener stops accepting until one closes.
    public var connectionsMax: Int = 512
    /// Open connections one source (IP address) may hold; more are closed at once, so one
    /// client cannot take every slot of `connectionsMax` from the others.
    public var connectionsPerSourceMax: Int = 128
    /// Transactions with invalid signatures one client (IP address) may submit: a burst, then
    /// a rate; beyond, its submissions get 429 before anything is verified (`InvalidSignatureBudget`).
    public var invalidSignaturesBurst: Double = 1_000
    public var invalidSignaturesPerSecond: Double = 10
    /// Serve HTTPS with this certificate and key; nil serves plain HTTP (warned about on a
    /// non-loopback address).
    public var tls: APITLS?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, bodySizeMaxBytes: Int = 5 * 1_024 * 1_024, batchTransactionsMax: Int = 500,
        waitTimeoutMaxMillis: UInt64 = 60_000, waitTimeoutDefaultMillis: UInt64 = 10_000
    ) {
        self.host = host
        self.port = port
        self.bodySizeMaxBytes = bodySizeMaxBytes
        self.batchTransactionsMax = batchTransactionsMax
        self.waitTimeoutMaxMillis = waitTimeoutMaxMillis
        self.waitTimeoutDefaultMillis = waitTimeoutDefaultMillis
    }
}

extension APIConfiguration {
    /// 127.0.0.0/8, ::1 and `localhost`: where plain HTTP stays on the machine.
    public var isLoopbackHost: Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
