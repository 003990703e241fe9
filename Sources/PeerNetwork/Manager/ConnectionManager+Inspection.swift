import NIOCore

/// Read-only views and one fault switch for tests and diagnostics (internal to the module).
extension ConnectionManager {
    /// For each connected validator: this end's and the other end's socket address of the
    /// link in use, so a test can check both ends chose the same TCP connection.
    func linkEndpoints() -> [Int: LinkEndpoints] {
        loop.assertInEventLoop()
        var result: [Int: LinkEndpoints] = [:]
        for index in peerIndices {
            guard let connection = links[index].active else { continue }
            result[index] = LinkEndpoints(
                local: PeerConnection.describe(connection.channel.localAddress), remote: connection.remoteAddress)
        }
        return result
    }

    /// Stops (or resumes) reading from every open connection: simulates a peer whose
    /// process is alive but does not drain its sockets.
    func setReading(_ enabled: Bool) {
        loop.assertInEventLoop()
        for connection in openConnections.values {
            try? connection.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
            if enabled { connection.channel.read() }
        }
    }
}

struct LinkEndpoints: Hashable, Sendable {
    var local: String
    var remote: String
}
