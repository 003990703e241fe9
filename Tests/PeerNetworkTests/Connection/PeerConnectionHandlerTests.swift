import LedgerCore
import LedgerCrypto
import NIOCore
import NIOEmbedded
import Testing
@testable import PeerNetwork

/// The connection handler on `EmbeddedChannel`: the same code as on sockets, driven by hand.
@Suite struct PeerConnectionHandlerTests {
    static let frameSizeMaxBytes = 4096
    let keys: [SigningKey]
    let genesisHash = SHA256.hash(Array("genesis".utf8))

    init() throws {
        keys = try (0..<3).map { _ in try SigningKey() }
    }

    struct End {
        let channel: EmbeddedChannel
        let connection: PeerConnection
        let delegate: RecordingDelegate
    }

    func context(_ index: Int, signer: (any DigestSigner)? = nil) -> HandshakeContext {
        HandshakeContext(
            genesisHash: genesisHash, localIndex: index, validatorKeys: keys.map(\.publicKey), signer: signer ?? keys[index],
            verifier: P256Verifier())
    }

    /// An outbound end (validator `local` dialing `dialed`) or an inbound end (validator `local`).
    /// There is no TLS on an embedded channel: `tlsPeer` is the validator the TLS layer would
    /// have verified on the other end (for an outbound end, the one dialed).
    func makeEnd(local: Int, dialing dialed: Int? = nil, signer: (any DigestSigner)? = nil, tlsPeer: Int = 0) throws -> End {
        let channel = EmbeddedChannel()
        let connection = PeerConnection(
            id: local, direction: dialed == nil ? .inbound : .outbound, channel: channel, dialedIndex: dialed)
        connection.tlsVerifiedIndex = dialed ?? tlsPeer
        let delegate = RecordingDelegate()
        let handler = PeerConnectionHandler(
            connection: connection, delegate: delegate, handshakeContext: context(local, signer: signer),
            handshakeTimeout: .seconds(5), idleTimeoutSeconds: 30)
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder(frameSizeMaxBytes: Self.frameSizeMaxBytes)), handler,
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000 + local)).wait()
        return End(channel: channel, connection: connection, delegate: delegate)
    }

    /// Moves frames both ways until neither side has anything left to say (bounded).
    func pump(_ a: End, _ b: End) throws {
        for _ in 0..<16 {
            var moved = false
            while let frame = try a.channel.readOutbound(as: ByteBuffer.self) {
                if b.channel.isActive { try b.channel.writeInbound(frame) }
                moved = true
            }
            while let frame = try b.channel.readOutbound(as: ByteBuffer.self) {
                if a.channel.isActive { try a.channel.writeInbound(frame) }
                moved = true
            }
            if !moved { return }
        }
        Issue.record("the handshake did not settle")
    }

    func frame(_ message: WireMessage) -> ByteBuffer { message.frame(allocator: ByteBufferAllocator()) }

    /// Reads every outbound frame `end` wrote and decodes them.
    func written(_ end: End) throws -> [WireMessage] {
        var messages: [WireMessage] = []
        while var frame = try end.channel.readOutbound(as: ByteBuffer.self) {
            frame.moveReaderIndex(forwardBy: 4)
            messages.append(try WireMessage(payload: frame))
        }
        return messages
    }

    @Test func handshakeCompletesThenMessagesFlowBothWays() throws {
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        try pump(dialer, listener)
        #expect(dialer.delegate.established == [2])
        #expect(listener.delegate.established == [0])
        #expect(listener.connection.peerIndex == 0)

        try dialer.channel.writeOutbound(frame(.message([1, 2, 3])))
        try listener.channel.writeOutbound(frame(.message([4])))
        try pump(dialer, listener)
        #expect(listener.delegate.messages == [[1, 2, 3]])
        #expect(dialer.delegate.messages == [[4]])
        #expect(dialer.delegate.failures.isEmpty && listener.delegate.failures.isEmpty)
        _ = try? dialer.channel.finish()
        _ = try? listener.channel.finish()
    }

    @Test func messageBeforeHandshakeIsRefusedAndNeverDelivered() throws {
        let listener = try makeEnd(local: 2)
        try listener.channel.writeInbound(frame(.message([9, 9])))
        #expect(listener.delegate.messages.isEmpty)
        #expect(listener.delegate.admitted.isEmpty)
        guard case .handshake(.unexpectedMessage(kind: .message, _)) = listener.delegate.failures.first else {
            Issue.record("expected an unexpected-message handshake failure, got \(listener.delegate.failures)")
            return
        }
        #expect(!listener.channel.isActive)
        guard case .goodbye = try written(listener).last else {
            Issue.record("the peer should be told why")
            return
        }
    }

    @Test func messageAfterHelloButBeforeFinishIsRefused() throws {
        let dialer = try makeEnd(local: 1, dialing: 2)
        let listener = try makeEnd(local: 2)
        // Deliver only the hello, then a message where the finish should be.
        let hello = try #require(try dialer.channel.readOutbound(as: ByteBuffer.self))
        try listener.channel.writeInbound(hello)
        try listener.channel.writeInbound(frame(.message([1])))
        #expect(listener.delegate.messages.isEmpty)
        #expect(listener.delegate.established.isEmpty)
        #expect(!listener.channel.isActive)
        _ = try? dialer.channel.finish()
    }

    @Test func impostorIsRefused() throws {
        // Validator 1's key, claiming to be validator 0.
        let impostor = try makeEnd(local: 0, dialing: 2, signer: keys[1])
        let listener = try makeEnd(local: 2)
        try pump(impostor, listener)
        #expect(listener.delegate.established.isEmpty)
        #expect(impostor.delegate.established.isEmpty)
        guard case .handshake(.invalidSignature(validatorIndex: 0)) = listener.delegate.failures.first else {
            Issue.record("expected invalidSignature, got \(listener.delegate.failures)")
            return
        }
        guard case .handshake(.refusedByPeer) = impostor.delegate.failures.first else {
            Issue.record("the impostor should read the refusal, got \(impostor.delegate.failures)")
            return
        }
        #expect(!listener.channel.isActive)
    }

    @Test func handshakeForAnotherValidatorThanTheTLSSessionIsRefused() throws {
        // A faulty validator 1, with its own TLS session, relays validator 0's handshake.
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2, tlsPeer: 1)
        try pump(dialer, listener)
        #expect(listener.delegate.established.isEmpty)
        #expect(listener.delegate.messages.isEmpty)
        guard case .handshake(.tlsIdentityMismatch(claimed: 0, certificate: "validator 1"))? = listener.delegate.failures.first else {
            Issue.record("expected tlsIdentityMismatch, got \(listener.delegate.failures)")
            return
        }
        #expect(!listener.channel.isActive)
    }

    @Test func replayedHandshakeIsRefused() throws {
        // Record a genuine session's frames from validator 0 to validator 2.
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        let hello = try #require(try dialer.channel.readOutbound(as: ByteBuffer.self))
        try listener.channel.writeInbound(hello)
        let reply = try #require(try listener.channel.readOutbound(as: ByteBuffer.self))
        try dialer.channel.writeInbound(reply)
        let finish = try #require(try dialer.channel.readOutbound(as: ByteBuffer.self))
        try listener.channel.writeInbound(finish)
        #expect(listener.delegate.established == [0])

        // Replay both to a fresh listener: its fresh nonce makes the old finish worthless.
        let victim = try makeEnd(local: 2)
        try victim.channel.writeInbound(hello)
        try victim.channel.writeInbound(finish)
        #expect(victim.delegate.established.isEmpty)
        guard case .handshake(.invalidSignature(validatorIndex: 0)) = victim.delegate.failures.first else {
            Issue.record("expected invalidSignature, got \(victim.delegate.failures)")
            return
        }
        _ = try? dialer.channel.finish()
        _ = try? listener.channel.finish()
    }

    @Test func oversizeFrameClosesWithReason() throws {
        let listener = try makeEnd(local: 2)
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32(Self.frameSizeMaxBytes + 1), endianness: .big)
        try listener.channel.writeInbound(prefix)
        guard case .framing(.frameTooLarge) = listener.delegate.failures.first else {
            Issue.record("expected frameTooLarge, got \(listener.delegate.failures)")
            return
        }
        #expect(!listener.channel.isActive)
        #expect(listener.delegate.closedCount == 1)
    }

    @Test func garbageFrameClosesWithReason() throws {
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        try pump(dialer, listener)
        try listener.channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 3, 0xee, 1, 2]))
        guard case .malformedFrame(.unknownTag(_, 0xee)) = listener.delegate.failures.first else {
            Issue.record("expected unknownTag, got \(listener.delegate.failures)")
            return
        }
        #expect(!listener.channel.isActive)
        _ = try? dialer.channel.finish()
    }

    @Test func secondHelloAfterHandshakeIsAViolation() throws {
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        try pump(dialer, listener)
        let hello = InitiatorHandshake(context: context(0), responderIndex: 2, nonce: .random()).hello
        try listener.channel.writeInbound(frame(.hello(hello)))
        guard case .protocolViolation = listener.delegate.failures.first else {
            Issue.record("expected a protocol violation, got \(listener.delegate.failures)")
            return
        }
        _ = try? dialer.channel.finish()
    }

    @Test func truncatedFrameAtEndOfStreamIsReported() throws {
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        try pump(dialer, listener)
        try listener.channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 9, 0x10, 1]))
        listener.channel.pipeline.fireChannelInactive()
        guard case .framing(.truncatedFrame(bufferedBytes: 6)) = listener.delegate.failures.first else {
            Issue.record("expected truncatedFrame, got \(listener.delegate.failures)")
            return
        }
        _ = try? dialer.channel.finish()
    }

    @Test func handshakeTimesOut() throws {
        let listener = try makeEnd(local: 2)
        listener.channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        guard case .handshake(.timedOut) = listener.delegate.failures.first else {
            Issue.record("expected a timeout, got \(listener.delegate.failures)")
            return
        }
        #expect(!listener.channel.isActive)
    }

    @Test func refusedAdmissionSaysGoodbyeAndCloses() throws {
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        listener.delegate.decision = .refuse(reason: "duplicate connection")
        try pump(dialer, listener)
        #expect(listener.delegate.admitted == [0])
        #expect(listener.delegate.established.isEmpty)
        #expect(dialer.delegate.established.isEmpty)
        guard case .handshake(.refusedByPeer(let reason)) = dialer.delegate.failures.first else {
            Issue.record("expected refusedByPeer, got \(dialer.delegate.failures)")
            return
        }
        #expect(reason == "duplicate connection")
    }

    @Test func initiatorThatKeepsAnotherLinkStillDeliversWhatFollowsTheAccept() throws {
        let dialer = try makeEnd(local: 0, dialing: 2)
        let listener = try makeEnd(local: 2)
        dialer.delegate.decision = .refuse(reason: "duplicate connection")
        let hello = try #require(try dialer.channel.readOutbound(as: ByteBuffer.self))
        try listener.channel.writeInbound(hello)
        try dialer.channel.writeInbound(try #require(try listener.channel.readOutbound(as: ByteBuffer.self)))
        try listener.channel.writeInbound(try #require(try dialer.channel.readOutbound(as: ByteBuffer.self)))
        // The listener accepted and at once sends a message behind its accept frame.
        #expect(listener.delegate.established == [0])
        try listener.channel.writeOutbound(frame(.message([5])))
        try pump(dialer, listener)
        #expect(dialer.delegate.superseded == [2])
        #expect(dialer.delegate.established.isEmpty)
        #expect(dialer.delegate.messages == [[5]])
        #expect(dialer.delegate.failures.isEmpty)
        _ = try? dialer.channel.finish()
        _ = try? listener.channel.finish()
    }
}
