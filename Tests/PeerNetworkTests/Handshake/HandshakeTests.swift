import LedgerCrypto
import Testing
@testable import PeerNetwork

/// The handshake state machines without sockets.
@Suite struct HandshakeTests {
    let keys: [SigningKey]
    let genesisHash = SHA256.hash(Array("genesis A".utf8))

    init() throws {
        keys = try (0..<4).map { _ in try SigningKey() }
    }

    func context(_ index: Int, signer: (any DigestSigner)? = nil, genesisHash: Digest? = nil) -> HandshakeContext {
        HandshakeContext(
            genesisHash: genesisHash ?? self.genesisHash, localIndex: index, validatorKeys: keys.map(\.publicKey),
            signer: signer ?? keys[index], verifier: P256Verifier())
    }

    func nonce(_ byte: UInt8) -> HandshakeNonce { HandshakeNonce(bytes: Array(repeating: byte, count: 32))! }

    @Test func completesBetweenTwoValidators() throws {
        var initiator = InitiatorHandshake(context: context(1), responderIndex: 2, nonce: nonce(1))
        var responder = ResponderHandshake(context: context(2))
        guard case .helloReply(let reply) = try responder.receive(hello: initiator.hello, nonce: nonce(2)) else {
            Issue.record("responder must reply")
            return
        }
        guard case .helloFinish(let signature) = try initiator.receive(reply: reply) else {
            Issue.record("initiator must finish")
            return
        }
        #expect(try responder.receive(finish: signature) == 1)
        try initiator.receiveAccept()
        #expect(initiator.stage == .done)
        #expect(responder.stage == .done)
    }

    @Test func transcriptSignsEveryFieldInOrder() {
        let transcript = HandshakeTranscript(
            genesisHash: genesisHash, initiatorIndex: 1, responderIndex: 0x0a0b_0c0d, initiatorNonce: nonce(0x11),
            responderNonce: nonce(0x22))
        let expected = Array("GL/v1/handshake".utf8) + genesisHash.bytes + [0, 0, 0, 1] + [0x0a, 0x0b, 0x0c, 0x0d]
            + Array(repeating: 0x11, count: 32) + Array(repeating: 0x22, count: 32) + [2]
        #expect(transcript.signedBytes(role: .responder) == expected)
        #expect(transcript.digest(role: .responder) == SHA256.hash(expected))
        #expect(transcript.digest(role: .initiator) != transcript.digest(role: .responder))
    }

    @Test func refusesStranger() {
        var responder = ResponderHandshake(context: context(0))
        var hello = InitiatorHandshake(context: context(1), responderIndex: 0, nonce: nonce(1)).hello
        hello.initiatorIndex = 9
        #expect(throws: HandshakeError.unknownValidator(index: 9, validatorCount: 4)) {
            _ = try responder.receive(hello: hello, nonce: nonce(2))
        }
    }

    @Test func refusesAnotherChain() {
        let otherChain = SHA256.hash(Array("genesis B".utf8))
        var responder = ResponderHandshake(context: context(0))
        let hello = InitiatorHandshake(context: context(1, genesisHash: otherChain), responderIndex: 0, nonce: nonce(1)).hello
        #expect(throws: HandshakeError.genesisMismatch(ours: genesisHash, theirs: otherChain)) {
            _ = try responder.receive(hello: hello, nonce: nonce(2))
        }
    }

    @Test func refusesValidatorClaimingAnotherIndex() throws {
        // Validator 3 claims to be validator 1: it can only sign with its own key.
        var impostor = InitiatorHandshake(context: context(1, signer: keys[3]), responderIndex: 0, nonce: nonce(1))
        var responder = ResponderHandshake(context: context(0))
        guard case .helloReply(let reply) = try responder.receive(hello: impostor.hello, nonce: nonce(2)),
            case .helloFinish(let signature) = try impostor.receive(reply: reply)
        else {
            Issue.record("the impostor gets as far as signing")
            return
        }
        #expect(throws: HandshakeError.invalidSignature(validatorIndex: 1)) { _ = try responder.receive(finish: signature) }
    }

    @Test func refusesReplayedFinish() throws {
        // Session 1 between validators 1 and 0, recorded by an eavesdropper.
        var initiator = InitiatorHandshake(context: context(1), responderIndex: 0, nonce: nonce(1))
        var responder = ResponderHandshake(context: context(0))
        guard case .helloReply(let reply) = try responder.receive(hello: initiator.hello, nonce: nonce(2)),
            case .helloFinish(let recordedFinish) = try initiator.receive(reply: reply)
        else {
            Issue.record("session 1 must complete")
            return
        }
        // Replay: the same hello and finish to a fresh responder, which picks a fresh nonce.
        var victim = ResponderHandshake(context: context(0))
        _ = try victim.receive(hello: initiator.hello, nonce: nonce(3))
        #expect(throws: HandshakeError.invalidSignature(validatorIndex: 1)) { _ = try victim.receive(finish: recordedFinish) }
    }

    @Test func refusesReplayedReply() throws {
        var first = InitiatorHandshake(context: context(1), responderIndex: 0, nonce: nonce(1))
        var responder = ResponderHandshake(context: context(0))
        guard case .helloReply(let recordedReply) = try responder.receive(hello: first.hello, nonce: nonce(2)) else {
            Issue.record("reply expected")
            return
        }
        _ = try first.receive(reply: recordedReply)
        // A fake validator 0 replays the old reply to a new dial (fresh initiator nonce).
        var second = InitiatorHandshake(context: context(1), responderIndex: 0, nonce: nonce(4))
        #expect(throws: HandshakeError.invalidSignature(validatorIndex: 0)) { _ = try second.receive(reply: recordedReply) }
    }

    @Test func refusesReflectedSignature() throws {
        // The responder's own signature sent back as the initiator's: the role byte differs.
        var responder = ResponderHandshake(context: context(0))
        let hello = InitiatorHandshake(context: context(1), responderIndex: 0, nonce: nonce(1)).hello
        guard case .helloReply(let reply) = try responder.receive(hello: hello, nonce: nonce(2)) else {
            Issue.record("reply expected")
            return
        }
        #expect(throws: HandshakeError.invalidSignature(validatorIndex: 1)) {
            _ = try responder.receive(finish: reply.responderSignature)
        }
    }

    @Test func initiatorRefusesResponderWithWrongKey() throws {
        // Whoever answers at validator 2's address must hold validator 2's key.
        var initiator = InitiatorHandshake(context: context(1), responderIndex: 2, nonce: nonce(1))
        var fake = ResponderHandshake(context: context(2, signer: keys[3]))
        guard case .helloReply(let reply) = try fake.receive(hello: initiator.hello, nonce: nonce(2)) else {
            Issue.record("reply expected")
            return
        }
        #expect(throws: HandshakeError.invalidSignature(validatorIndex: 2)) { _ = try initiator.receive(reply: reply) }
    }

    @Test func refusesWrongResponderSelfClaimAndVersion() {
        var responder = ResponderHandshake(context: context(0))
        var hello = InitiatorHandshake(context: context(1), responderIndex: 2, nonce: nonce(1)).hello
        #expect(throws: HandshakeError.wrongResponder(expected: 0, dialed: 2)) { _ = try responder.receive(hello: hello, nonce: nonce(2)) }
        hello.responderIndex = 0
        hello.initiatorIndex = 0
        #expect(throws: HandshakeError.claimsOurIndex(index: 0)) { _ = try responder.receive(hello: hello, nonce: nonce(2)) }
        hello.initiatorIndex = 1
        hello.protocolVersion = 2
        #expect(throws: HandshakeError.unsupportedVersion(2)) { _ = try responder.receive(hello: hello, nonce: nonce(2)) }
    }

    @Test func refusesStepsOutOfOrder() throws {
        var responder = ResponderHandshake(context: context(0))
        let signature = try keys[1].sign(digest: SHA256.hash([1]))
        #expect(throws: HandshakeError.self) { _ = try responder.receive(finish: signature) }
        var initiator = InitiatorHandshake(context: context(1), responderIndex: 0, nonce: nonce(1))
        #expect(throws: HandshakeError.self) { try initiator.receiveAccept() }
    }

    @Test func noncesAreFresh() {
        #expect(HandshakeNonce.random() != HandshakeNonce.random())
    }
}
