import LedgerCore
import NIOCore
import NIOSSL

/// Runs one connection: the handshake first (nothing else is accepted or delivered before
/// it completes), then opaque messages and heartbeats. Sits after `FrameDecoder`, so it
/// sees whole frame payloads; writes whole frames.
final class PeerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        case initiating(InitiatorHandshake)
        case responding(ResponderHandshake)
        case established(peerIndex: Int)
        case closing
    }

    /// How long a goodbye may take to leave before the connection is closed anyway.
    static let goodbyeFlushTimeout = TimeAmount.seconds(1)

    let connection: PeerConnection
    private let delegate: any PeerConnectionDelegate
    private let handshakeTimeout: TimeAmount
    private let idleTimeoutSeconds: Double
    private let makeNonce: () -> HandshakeNonce
    /// The decoder's frame limit and the size it rises to once the peer is authenticated.
    private let frameLimit: (limit: FrameLimit, establishedMaxBytes: Int)?
    private(set) var state: State
    private var handshakeTimer: Scheduled<Void>?

    init(
        connection: PeerConnection, delegate: any PeerConnectionDelegate, handshakeContext: HandshakeContext,
        handshakeTimeout: TimeAmount, idleTimeoutSeconds: Double,
        frameLimit: (limit: FrameLimit, establishedMaxBytes: Int)? = nil,
        makeNonce: @escaping () -> HandshakeNonce = { HandshakeNonce.random() }
    ) {
        self.connection = connection
        self.frameLimit = frameLimit
        self.delegate = delegate
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.makeNonce = makeNonce
        switch connection.direction {
        case .outbound:
            guard let dialed = connection.dialedIndex else { preconditionFailure("an outbound connection knows whom it dialed") }
            state = .initiating(InitiatorHandshake(context: handshakeContext, responderIndex: dialed, nonce: makeNonce()))
        case .inbound:
            state = .responding(ResponderHandshake(context: handshakeContext))
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        _ = connection.remoteAddress  // remember it while the socket can still say
        let timeoutSeconds = Double(handshakeTimeout.nanoseconds) / 1e9
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) { [self] in
            fail(context, .handshake(.timedOut(seconds: timeoutSeconds)))
        }
        if case .initiating(let handshake) = state {
            send(context, .hello(handshake.hello))
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        handshakeTimer = nil
        state = .closing
        delegate.connectionClosed(connection)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let payload = unwrapInboundIn(data)
        delegate.connection(connection, receivedFrameBytes: FrameDecoder.lengthPrefixBytes + payload.readableBytes)
        if case .closing = state { return }
        let message: WireMessage
        do { message = try WireMessage(payload: payload) } catch {
            fail(context, .malformedFrame(error))
            return
        }
        handle(context, message)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .established = state { delegate.connectionWritabilityChanged(connection) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let framing = error as? FramingError {
            fail(context, .framing(framing))
        } else if let refusal = connection.tlsRefusal {
            fail(context, .handshake(.tlsRefused(reason: refusal)))
        } else if error is NIOSSLError || error is BoringSSLError, !connection.isEstablished {
            // The other side refused our certificate, or spoke no TLS at all.
            fail(context, .handshake(.tlsFailed(PeerTLS.describe(error))))
        } else {
            fail(context, .transport("\(error)"))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent {
            guard case .established = state else { return }
            switch idle {
            case .write: send(context, .ping)
            case .read, .all: fail(context, .idle(seconds: idleTimeoutSeconds))
            }
            return
        }
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            // The peer finished sending (a graceful retire, or it is going away): every frame
            // it sent has been read, so close our side too.
            if connection.closeReason == nil { connection.closeReason = "closed by peer" }
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: - Protocol

    private func handle(_ context: ChannelHandlerContext, _ message: WireMessage) {
        switch (state, message) {
        case (.established, .message(let bytes)):
            delegate.connection(connection, received: bytes)
        case (.established, .ping):
            break
        case (.established, .goodbye(let reason)):
            fail(context, .peerGoodbye(reason: WireMessage.sanitizedReason(reason)))
        case (.established, let other):
            fail(context, .protocolViolation("unexpected \(other.kind) frame after the handshake"))
        case (.initiating, .goodbye(let reason)), (.responding, .goodbye(let reason)):
            fail(context, .handshake(.refusedByPeer(reason: WireMessage.sanitizedReason(reason))))
        case (.initiating(var handshake), .helloReply(let reply)):
            do {
                let finish = try handshake.receive(reply: reply)
                state = .initiating(handshake)
                send(context, finish)
            } catch { fail(context, .handshake(error)) }
        case (.initiating(var handshake), .accept):
            do {
                try handshake.receiveAccept()
                state = .initiating(handshake)
                admit(context, peerIndex: handshake.responderIndex, sendAccept: false)
            } catch { fail(context, .handshake(error)) }
        case (.responding(var handshake), .hello(let hello)):
            do {
                let reply = try handshake.receive(hello: hello, nonce: makeNonce())
                state = .responding(handshake)
                connection.claimedIndex = handshake.claimedIndex
                send(context, reply)
            } catch {
                connection.claimedIndex = Int(hello.initiatorIndex)
                fail(context, .handshake(error))
            }
        case (.responding(var handshake), .helloFinish(let signature)):
            do {
                let peerIndex = try handshake.receive(finish: signature)
                state = .responding(handshake)
                admit(context, peerIndex: peerIndex, sendAccept: true)
            } catch { fail(context, .handshake(error)) }
        case (.initiating, let other), (.responding, let other):
            fail(context, .handshake(.unexpectedMessage(kind: other.kind, during: "the handshake")))
        case (.closing, _):
            break
        }
    }

    /// The handshake proved `peerIndex`: ask the owner whether to keep this link.
    private func admit(_ context: ChannelHandlerContext, peerIndex: Int, sendAccept: Bool) {
        // The handshake proved the claimed key signed this exchange; TLS proved who holds the
        // session. Both must be the same validator, or a key holder could speak as another.
        guard connection.tlsVerifiedIndex == peerIndex else {
            let holder = connection.tlsVerifiedIndex.map { "validator \($0)" } ?? "nobody verified"
            fail(context, .handshake(.tlsIdentityMismatch(claimed: peerIndex, certificate: holder)))
            return
        }
        connection.peerIndex = peerIndex
        // Authenticated: full-size frames from here on (the decoder reads the limit before
        // each frame, and this runs before it cuts the next one).
        if let frameLimit { frameLimit.limit.maxBytes = frameLimit.establishedMaxBytes }
        switch delegate.connection(connection, admit: peerIndex) {
        case .refuse(let reason) where sendAccept:
            // Responder: the initiator has sent nothing but the handshake yet; just close.
            connection.closeReason = reason
            closeWithGoodbye(context, reason: reason)
        case .refuse:
            // Initiator: the responder accepted and may already have sent messages on this
            // connection. Keep reading them (they are authenticated) while the owner
            // retires it gracefully, instead of dropping them with an abrupt close.
            handshakeTimer?.cancel()
            handshakeTimer = nil
            state = .established(peerIndex: peerIndex)
            connection.isEstablished = true
            delegate.connectionSuperseded(connection)
        case .accept:
            handshakeTimer?.cancel()
            handshakeTimer = nil
            // The accept frame goes out before any message the owner drains on establishment.
            if sendAccept { send(context, .accept) }
            state = .established(peerIndex: peerIndex)
            connection.isEstablished = true
            delegate.connectionEstablished(connection)
        }
    }

    private func send(_ context: ChannelHandlerContext, _ message: WireMessage) {
        let frame = message.frame(allocator: context.channel.allocator)
        delegate.connection(connection, sentFrameBytes: frame.readableBytes)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Reports `failure` once, tells the peer why when that is useful, and closes.
    private func fail(_ context: ChannelHandlerContext, _ failure: ConnectionFailure) {
        if case .closing = state { return }
        handshakeTimer?.cancel()
        handshakeTimer = nil
        connection.closeReason = failure.description
        delegate.connection(connection, failed: failure)
        if failure.sendsGoodbye {
            closeWithGoodbye(context, reason: failure.description)
        } else {
            state = .closing
            context.close(promise: nil)
        }
    }

    /// Writes a goodbye and closes once it is flushed, or after a short bound if the peer
    /// does not read.
    private func closeWithGoodbye(_ context: ChannelHandlerContext, reason: String) {
        state = .closing
        let frame = WireMessage.goodbye(reason: reason).frame(allocator: context.channel.allocator)
        delegate.connection(connection, sentFrameBytes: frame.readableBytes)
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(frame), promise: flushed)
        let loop = context.eventLoop.assumeIsolated()
        let forceClose = loop.scheduleTask(in: Self.goodbyeFlushTimeout) { context.close(promise: nil) }
        flushed.futureResult.assumeIsolated().whenComplete { _ in
            forceClose.cancel()
            context.close(promise: nil)
        }
    }
}
