import NIOCore
import Testing
@testable import PeerNetwork

@Suite struct SendQueueTests {
    @Test func dropsOldestBeyondTheBound() {
        var queue = SendQueue(maxFrames: 3)
        var dropped = 0
        for value in UInt8(0)..<10 {
            dropped += queue.append(ByteBuffer(bytes: [value, value]))
            #expect(queue.count <= 3)
            #expect(queue.byteCount == queue.count * 2)
        }
        #expect(dropped == 7)
        #expect(queue.popFirst() == ByteBuffer(bytes: [7, 7]))
        #expect(queue.popFirst() == ByteBuffer(bytes: [8, 8]))
        #expect(queue.popFirst() == ByteBuffer(bytes: [9, 9]))
        #expect(queue.popFirst() == nil)
        #expect(queue.byteCount == 0)
    }
}
