import Consensus
import Foundation
import LedgerCore
import LedgerCrypto
import PeerNetwork

/// Valid inputs for every target, to start a corpus from (`scripts/fuzz` writes them when a
/// target's corpus is empty). Keys are fresh each time, so seeds differ between runs.
public enum FuzzSeeds {
    public static func make(genesisJSON: [UInt8]) throws -> [FuzzTarget: [[UInt8]]] {
        let member = try SigningKey()
        let validator = try SigningKey()
        let transfer = try Transaction(
            chainID: "fuzz-chain", nonce: 1,
            payload: .transferFunds(TransferFunds(to: try SigningKey().publicKey.address, currency: "EUR", amount: 12_500, category: .renewableEnergy, purpose: "seed")),
            signer: member)
        let block = Block(
            chainID: "fuzz-chain", height: 1, parentHash: SHA256.hash([0]), timestampMillis: 1_700_000_000_000,
            transactions: [transfer], stateRoot: SHA256.hash([1]), receiptsRoot: SHA256.hash([2]))
        let vote = ConsensusMessage.prepare(Vote(view: 0, height: 1, blockHash: block.hash))
        let forward = ConsensusMessage.forward([transfer])
        let proposal = ConsensusMessage.prePrepare(PrePrepare(view: 0, block: block))
        let envelopes = try [vote, forward, proposal].map { message in
            let signature = try validator.sign(digest: message.signingDigest(chainID: "fuzz-chain", genesisHash: SHA256.hash([9])))
            return SignedEnvelope(sender: 0, message: message, signature: signature).canonicalBytes
        }
        // One transaction of each format-2 kind with its new fields (dates, country, corrections).
        let block1 = CreditBlockID(projectID: "p-1", vintage: 2025, firstSerial: 1)
        let formatTwo: [Payload] = [
            .registerProject(RegisterProject(
                projectID: "p-1", name: "seed", category: .renewableEnergy, location: "seed", owner: member.publicKey.address,
                details: ProjectDetails(hostCountry: try CountryCode("CN"), methodology: "ACM0002", program: "cdm"))),
            .attestReduction(AttestReduction(
                projectID: "p-1", vintage: 2025, quantityKg: 5, reportDigest: SHA256.hash([3]),
                monitoringPeriod: try MonitoringPeriod(start: LedgerDate("2025-01-01"), end: LedgerDate("2025-12-31")))),
            .revokeAttestation(RevokeAttestation(projectID: "p-1", vintage: 2025, sequence: 0, reason: "seed")),
            .cancelCredits(CreditCorrection(block: block1, quantity: 1, reason: "seed")),
            .suspendCredits(CreditCorrection(block: block1, quantity: 1, reason: "seed")),
            .reinstateCredits(CreditCorrection(block: block1, quantity: 1, reason: "seed")),
        ]
        let corrections = try formatTwo.enumerated().map { index, payload in
            try Transaction(chainID: "fuzz-chain", nonce: UInt64(index + 2), payload: payload, signer: member).canonicalBytes
        }
        let hex = Hex.encode(transfer.canonicalBytes)
        return [
            .frames: PeerWireFuzzing.seedFrames(),
            .handshake: PeerWireFuzzing.seedHandshake(),
            .consensus: envelopes,
            .transaction: [transfer.canonicalBytes] + corrections,
            .block: [block.canonicalBytes],
            .genesis: [genesisJSON],
            .submission: [Array("{\"transaction\": \"\(hex)\"}".utf8), Array("{\"transactions\": [\"\(hex)\"]}".utf8), transfer.canonicalBytes],
        ]
    }
}
