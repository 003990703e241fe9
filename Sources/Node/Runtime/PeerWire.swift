import Consensus
import LedgerCore
import LedgerCrypto

/// What validators send each other over the peer layer: a tag byte, then the body.
/// `1` a signed consensus envelope; `2` a request for committed blocks; `3` the blocks.
enum PeerWire {
    static let consensusTag: UInt8 = 1
    static let blocksRequestTag: UInt8 = 2
    static let blocksResponseTag: UInt8 = 3
    /// Most blocks in one state-transfer response.
    static let blocksPerResponseMax = 64

    enum Message {
        case consensus(SignedEnvelope)
        case blocksRequest(from: UInt64, to: UInt64)
        case blocksResponse([Consensus.CommittedBlock])
    }

    static func encode(_ envelope: SignedEnvelope) -> [UInt8] { [consensusTag] + envelope.canonicalBytes }

    static func encodeRequest(from: UInt64, to: UInt64) -> [UInt8] {
        var writer = CanonicalWriter(capacity: 17)
        writer.write(blocksRequestTag)
        writer.write(from)
        writer.write(to)
        return writer.bytes
    }

    static func encodeResponse(_ blocks: [Consensus.CommittedBlock]) -> [UInt8] {
        var writer = CanonicalWriter(capacity: 4_096)
        writer.write(blocksResponseTag)
        writer.write(UInt32(blocks.count))
        for entry in blocks.prefix(blocksPerResponseMax) {
            writer.write(entry.block)
            writer.write(entry.certificate)
        }
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(CodecError) -> Message {
        guard let tag = bytes.first else { throw .truncated(field: "peer message tag", needed: 1, remaining: 0) }
        let body = Array(bytes.dropFirst())
        switch tag {
        case consensusTag:
            return .consensus(try SignedEnvelope.decode(body))
        case blocksRequestTag:
            var reader = CanonicalReader(body)
            let from = try reader.readUInt64("from height")
            let to = try reader.readUInt64("to height")
            try reader.finish()
            return .blocksRequest(from: from, to: to)
        case blocksResponseTag:
            var reader = CanonicalReader(body)
            let count = try reader.readLength(maximum: blocksPerResponseMax, "blocks")
            var blocks: [Consensus.CommittedBlock] = []
            for _ in 0..<count {
                let block = try reader.read(Block.self)
                let certificate = try reader.read(CommitCertificate.self)
                blocks.append(Consensus.CommittedBlock(block: block, certificate: certificate))
            }
            try reader.finish()
            return .blocksResponse(blocks)
        default:
            throw .unknownTag(type: "peer message", tag: tag)
        }
    }
}
