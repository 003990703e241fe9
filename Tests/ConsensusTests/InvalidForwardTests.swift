@testable import Consensus
import LedgerCore
import LedgerCrypto
import Testing

/// Attack F3: honest replicas check signature, chain and membership before they forward, so a
/// FORWARD carrying a transaction that fails one proves its sender faulty. The replica says who.
@Suite("Invalid forwarded transactions are attributed to their forwarder")
struct InvalidForwardTests {
    @Test("a FORWARD with a bad signature and a non-member's transaction is reported per sender; a valid one is not")
    func invalidForwardsAreReported() throws {
        let cluster = Cluster()
        var replica = cluster.replicas[0]
        var valid = cluster
        let good = valid.transaction()
        let stolen = valid.transaction()
        let forged = Transaction(unchecked: good.chainID, sender: good.sender, nonce: 999, payload: good.payload, signature: stolen.signature)
        let outsider = valid.transaction(fromOutsider: true)
        let envelope = cluster.signed(.forward([good, forged, outsider]), by: 2)
        let output = replica.step(.message(envelope))
        #expect(output.invalidForwards == [2: 2])
        #expect(replica.mempool.contains(good.id))
        #expect(!replica.mempool.contains(forged.id))

        // The replica's own transactions are the host's, already checked: never reported.
        let own = replica.step(.transactions([forged]))
        #expect(own.invalidForwards.isEmpty)
    }
}
