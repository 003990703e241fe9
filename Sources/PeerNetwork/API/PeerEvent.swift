/// A change of a link to one validator. A link replaced by a better connection to the same
/// validator (simultaneous dial) is not reported: the validator stayed connected.
public enum PeerEvent: Hashable, Sendable {
    case connected(validatorIndex: Int, remoteAddress: String)
    case disconnected(validatorIndex: Int, reason: String)
}
