import Consensus
import LedgerCore
import Node
import PeerNetwork

/// Every decoder a stranger, a faulty validator or a client can feed, as one fuzzing target
/// each: the `Fuzz/` package's libFuzzer binary runs one (`GREENLEDGER_FUZZ_TARGET`), and
/// `FuzzCorpusTests` replays every kept input through the same checks. Each check returns
/// whether the input decoded and throws when a property breaks (see `FuzzPropertyViolation`).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A peer connection's byte stream: the frame cutter and every frame kind.
    case frames
    /// The handshake's bodies.
    case handshake
    /// Signed consensus envelopes, every message kind.
    case consensus
    /// A transaction's canonical bytes.
    case transaction
    /// A block's canonical bytes.
    case block
    /// A genesis document.
    case genesis
    /// `POST /v1/transactions` bodies, JSON and binary.
    case submission

    public func check(_ bytes: [UInt8]) throws(FuzzPropertyViolation) -> Bool {
        switch self {
        case .frames: try PeerWireFuzzing.checkFrames(bytes) > 0
        case .handshake: try PeerWireFuzzing.checkHandshake(bytes)
        case .consensus: try ConsensusFuzzing.checkEnvelope(bytes)
        case .transaction: try LedgerCoreFuzzing.checkTransaction(bytes)
        case .block: try LedgerCoreFuzzing.checkBlock(bytes)
        case .genesis: try LedgerCoreFuzzing.checkGenesisJSON(bytes)
        case .submission: try APIFuzzing.checkSubmission(bytes)
        }
    }

    /// The longest input worth trying (libFuzzer's `-max_len`).
    public var maxLength: Int {
        switch self {
        case .genesis, .submission, .block, .consensus: 65_536
        default: 4_096
        }
    }
}
