import LedgerCrypto

/// The listener's side of the handshake, as a pure state machine:
/// receive `hello`, check it names our chain and us, reply with our nonce and signature →
/// receive the initiator's signature and verify it against the key genesis lists for the
/// index it claimed. Only then is the peer known.
struct ResponderHandshake: Sendable {
    enum Stage: Sendable { case awaitingHello, awaitingFinish, done }

    let context: HandshakeContext
    private(set) var stage: Stage = .awaitingHello
    private var transcript: HandshakeTranscript?

    init(context: HandshakeContext) {
        self.context = context
    }

    /// The index the dialer claims, once its hello was accepted (not yet proven).
    var claimedIndex: Int? { transcript.map { Int($0.initiatorIndex) } }

    mutating func receive(hello: Hello, nonce: HandshakeNonce) throws(HandshakeError) -> WireMessage {
        guard stage == .awaitingHello else { throw .unexpectedMessage(kind: .hello, during: "\(stage)") }
        guard hello.protocolVersion == Hello.protocolVersionCurrent else { throw .unsupportedVersion(hello.protocolVersion) }
        guard hello.genesisHash == context.genesisHash else {
            throw .genesisMismatch(ours: context.genesisHash, theirs: hello.genesisHash)
        }
        guard Int(hello.initiatorIndex) < context.validatorKeys.count else {
            throw .unknownValidator(index: hello.initiatorIndex, validatorCount: context.validatorKeys.count)
        }
        guard Int(hello.initiatorIndex) != context.localIndex else { throw .claimsOurIndex(index: hello.initiatorIndex) }
        guard Int(hello.responderIndex) == context.localIndex else {
            throw .wrongResponder(expected: context.localIndex, dialed: hello.responderIndex)
        }
        let transcript = HandshakeTranscript(
            genesisHash: context.genesisHash, initiatorIndex: hello.initiatorIndex, responderIndex: hello.responderIndex,
            initiatorNonce: hello.initiatorNonce, responderNonce: nonce)
        let signature = try context.sign(transcript, as: .responder)
        self.transcript = transcript
        stage = .awaitingFinish
        return .helloReply(HelloReply(responderNonce: nonce, responderSignature: signature))
    }

    /// Verifies the initiator's signature; returns its proven validator index.
    mutating func receive(finish signature: Signature) throws(HandshakeError) -> Int {
        guard stage == .awaitingFinish, let transcript else {
            throw .unexpectedMessage(kind: .helloFinish, during: "\(stage)")
        }
        let index = Int(transcript.initiatorIndex)
        try context.verify(signature, of: transcript, as: .initiator, by: index)
        stage = .done
        return index
    }
}
