import LedgerCore

/// Messages for a view this replica has not entered yet, kept until it installs that view.
/// Whatever a shared buffer holds, one faulty validator can own, so every bound is per sender:
/// at most `perSenderCountMax` envelopes and `perSenderBytesMax` encoded bytes each. A sender at
/// its bound makes room by losing its own entry of the highest view, when that view is above the
/// new message's (the nearer view is the one that can be installed next); otherwise the new
/// message is refused. The replica bounds how far ahead a buffered view may be.
struct FutureBuffer: Sendable {
    struct Entry: Sendable {
        let envelope: SignedEnvelope
        let view: UInt64
        let sizeBytes: Int
    }

    let perSenderCountMax: Int
    let perSenderBytesMax: Int
    /// In arrival order.
    private(set) var entries: [Entry] = []
    private var countBySender: [UInt16: Int] = [:]
    private var bytesBySender: [UInt16: Int] = [:]

    init(validatorCount: Int) {
        perSenderCountMax = FutureBuffer.perSenderCountMax(validatorCount: validatorCount)
        perSenderBytesMax = FutureBuffer.bytesMax / max(1, validatorCount)
    }

    /// All senders together: `countMax` envelopes (or 16 per validator if more) and `bytesMax`.
    static let countMax = 256
    static let bytesMax = 64 * 1_024 * 1_024

    static func perSenderCountMax(validatorCount: Int) -> Int { max(16, countMax / max(1, validatorCount)) }

    var envelopes: [SignedEnvelope] { entries.map(\.envelope) }
    var isEmpty: Bool { entries.isEmpty }

    /// Keeps `envelope` (for `view`, `sizeBytes` encoded); false when its sender's share is full
    /// of messages for views at or below `view`.
    mutating func add(_ envelope: SignedEnvelope, view: UInt64, sizeBytes: Int) -> Bool {
        let sender = envelope.sender
        guard sizeBytes <= perSenderBytesMax else { return false }
        // The same message again (a network duplicate, a resend, a replay by a faulty peer) is
        // held once: copies must not fill an honest sender's share.
        guard !entries.contains(where: { $0.envelope.sender == sender && $0.view == view && $0.envelope.message == envelope.message }) else {
            return true
        }
        while countBySender[sender, default: 0] >= perSenderCountMax || bytesBySender[sender, default: 0] + sizeBytes > perSenderBytesMax {
            let own = entries.indices.filter { entries[$0].envelope.sender == sender }
            guard let highest = own.max(by: { entries[$0].view < entries[$1].view }), entries[highest].view > view else { return false }
            remove(at: highest)
        }
        entries.append(Entry(envelope: envelope, view: view, sizeBytes: sizeBytes))
        countBySender[sender, default: 0] += 1
        bytesBySender[sender, default: 0] += sizeBytes
        return true
    }

    /// Forgets every message for a view below `view`.
    mutating func removeAll(below view: UInt64) {
        for index in entries.indices.reversed() where entries[index].view < view { remove(at: index) }
    }

    /// Empties the buffer, returning what it held in arrival order.
    mutating func takeAll() -> [SignedEnvelope] {
        let taken = envelopes
        entries = []
        countBySender = [:]
        bytesBySender = [:]
        return taken
    }

    private mutating func remove(at index: Int) {
        let entry = entries.remove(at: index)
        let sender = entry.envelope.sender
        countBySender[sender, default: 0] -= 1
        bytesBySender[sender, default: 0] -= entry.sizeBytes
        if countBySender[sender] == 0 {
            countBySender[sender] = nil
            bytesBySender[sender] = nil
        }
    }
}
