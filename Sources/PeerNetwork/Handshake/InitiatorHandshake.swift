import LedgerCrypto

/// The dialer's side of the handshake, as a pure state machine:
/// send `hello` → receive the reply, verify the responder, answer with our signature →
/// receive `accept`. Each step either advances or throws; nothing here touches a socket.
struct InitiatorHandshake: Sendable {
    enum Stage: Sendable { case awaitingReply, awaitingAccept, done }

    let context: HandshakeContext
    let responderIndex: Int
    let hello: Hello
    private(set) var stage: Stage = .awaitingReply

    init(context: HandshakeContext, responderIndex: Int, nonce: HandshakeNonce) {
        precondition(context.validatorKeys.indices.contains(responderIndex) && responderIndex != context.localIndex,
            "the connection manager dials only other genesis validators")
        self.context = context
        self.responderIndex = responderIndex
        hello = Hello(
            protocolVersion: Hello.protocolVersionCurrent, genesisHash: context.genesisHash,
            initiatorIndex: UInt32(context.localIndex), responderIndex: UInt32(responderIndex), initiatorNonce: nonce)
    }

    /// Checks the responder's signature and returns ours for the `helloFinish` frame.
    mutating func receive(reply: HelloReply) throws(HandshakeError) -> WireMessage {
        guard stage == .awaitingReply else { throw .unexpectedMessage(kind: .helloReply, during: "\(stage)") }
        let transcript = HandshakeTranscript(
            genesisHash: context.genesisHash, initiatorIndex: hello.initiatorIndex, responderIndex: hello.responderIndex,
            initiatorNonce: hello.initiatorNonce, responderNonce: reply.responderNonce)
        try context.verify(reply.responderSignature, of: transcript, as: .responder, by: responderIndex)
        let signature = try context.sign(transcript, as: .initiator)
        stage = .awaitingAccept
        return .helloFinish(initiatorSignature: signature)
    }

    mutating func receiveAccept() throws(HandshakeError) {
        guard stage == .awaitingAccept else { throw .unexpectedMessage(kind: .accept, during: "\(stage)") }
        stage = .done
    }
}
