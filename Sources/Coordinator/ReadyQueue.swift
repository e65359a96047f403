import LotteryCore

/// Ready trials ordered by remaining chain length (longest first), then plan
/// position: a binary heap with lazy removal.
struct ReadyQueue {
    private struct Entry {
        var id: TrialID
        var height: Int
        var position: Int

        func precedes(_ other: Entry) -> Bool {
            height != other.height ? height > other.height : position < other.position
        }
    }

    private var heap: [Entry] = []
    private var members: Set<TrialID> = []

    var count: Int { members.count }

    mutating func push(_ id: TrialID, height: Int, position: Int) {
        guard members.insert(id).inserted else { return }
        heap.append(Entry(id: id, height: height, position: position))
        siftUp(heap.count - 1)
    }

    /// Removes `id`; returns whether it was queued.
    mutating func remove(_ id: TrialID) -> Bool {
        members.remove(id) != nil  // its heap entry is skipped when it surfaces
    }

    /// The best trial, or among the best `window` the first that `preferred` accepts.
    mutating func pop(preferring preferred: (TrialID) -> Bool, window: Int) -> TrialID? {
        var skipped: [Entry] = []
        var chosen: Entry? = nil
        while let top = popEntry() {
            if preferred(top.id) {
                chosen = top
                break
            }
            skipped.append(top)
            if skipped.count >= window { break }
        }
        if chosen == nil, !skipped.isEmpty { chosen = skipped.removeFirst() }
        for entry in skipped {
            members.insert(entry.id)
            heap.append(entry)
            siftUp(heap.count - 1)
        }
        return chosen?.id
    }

    private mutating func popEntry() -> Entry? {
        while !heap.isEmpty {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
            if members.remove(top.id) != nil { return top }
        }
        return nil
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < heap.count && heap[left].precedes(heap[best]) { best = left }
            if right < heap.count && heap[right].precedes(heap[best]) { best = right }
            if best == parent { return }
            heap.swapAt(parent, best)
            parent = best
        }
    }
}
