/// Node: the pieces of a running GreenLedger validator that face clients.
///
/// - `Mempool`: admits signed transactions (signature checked once, in parallel), orders them
///   by sender nonce, hands out proposal batches without handing one (sender, nonce) out twice.
/// - `APIServer`: the HTTP/JSON client API on Hummingbird 2, over a `NodeService` the node
///   implements (tests plug in a fake).
/// - `NodeClient`: a small HTTP/1.1 client for that API, used by the CLI.
///
/// Consensus and the peer network are wired in by the node runtime; this module does not
/// depend on them.
public enum NodeModule {}
