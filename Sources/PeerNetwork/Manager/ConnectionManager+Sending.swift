import Logging
import NIOCore

/// Outbound messages: into the peer's bounded queue, then onto the socket while NIO
/// reports it writable. A peer that stops reading leaves frames in the queue, where the
/// oldest are dropped past `sendQueueMaxFrames`; NIO's own buffer stays under its watermark.
extension ConnectionManager {
    func enqueue(_ frame: ByteBuffer, to index: Int) {
        loop.assertInEventLoop()
        guard lifecycle == .running else { return }
        let dropped = links[index].queue.append(frame)
        if dropped > 0 {
            counters.sendQueueDrops += UInt64(dropped)
            if !links[index].isDropping {
                links[index].isDropping = true
                let state = links[index].active == nil ? "not connected" : "not reading fast enough"
                logger.warning("send queue to validator \(index) full (\(configuration.sendQueueMaxFrames) frames, \(state)): dropping oldest frames")
            }
        }
        drain(index)
    }

    func drain(_ index: Int) {
        loop.assertInEventLoop()
        guard let connection = links[index].active, !connection.isRetired else { return }
        let channel = connection.channel
        var wrote = false
        while channel.isWritable, let frame = links[index].queue.popFirst() {
            counters.framesOut += 1
            counters.messagesOut += 1
            counters.bytesOut += UInt64(frame.readableBytes)
            channel.write(frame, promise: nil)
            wrote = true
        }
        if wrote { channel.flush() }
        if links[index].queue.isEmpty { links[index].isDropping = false }
    }
}
