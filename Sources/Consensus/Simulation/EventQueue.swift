/// A binary min-heap of simulator events ordered by (time, sequence): ties break by
/// insertion order, so the schedule never depends on anything but the seed.
struct EventQueue<Payload> {
    private struct Entry {
        let timeMillis: UInt64
        let sequence: UInt64
        let payload: Payload
        func precedes(_ other: Entry) -> Bool { (timeMillis, sequence) < (other.timeMillis, other.sequence) }
    }
    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }

    mutating func push(_ payload: Payload, at timeMillis: UInt64) {
        heap.append(Entry(timeMillis: timeMillis, sequence: nextSequence, payload: payload))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (timeMillis: UInt64, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.timeMillis, top.payload)
    }
}
