/// The best `capacity` (item, score) pairs offered so far: higher score first, ties to the smaller
/// item. A bounded min-heap whose root is the worst pair kept, so selecting K of n costs
/// O(n log K) rather than a full sort.
struct ScoredItemHeap {
    let capacity: Int
    private(set) var items: [Int32] = []
    private(set) var scores: [Double] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
        scores.reserveCapacity(capacity)
    }

    var count: Int { items.count }

    /// Whether (s1, i1) ranks below (s2, i2).
    @inline(__always) static func ranksBelow(_ s1: Double, _ i1: Int32, _ s2: Double, _ i2: Int32) -> Bool {
        s1 < s2 || (s1 == s2 && i1 > i2)
    }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
    }

    /// Keeps (item, score) if it ranks among the best `capacity` seen.
    @inline(__always) mutating func offer(item: Int32, score: Double) {
        if items.count < capacity {
            items.append(item)
            scores.append(score)
            siftUp(items.count - 1)
        } else if capacity > 0, Self.ranksBelow(scores[0], items[0], score, item) {
            items[0] = item
            scores[0] = score
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.ranksBelow(scores[child], items[child], scores[parent], items[parent]) else { return }
            items.swapAt(child, parent)
            scores.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let n = items.count
        while true {
            var worst = parent
            let left = 2 * parent + 1
            let right = left + 1
            if left < n, Self.ranksBelow(scores[left], items[left], scores[worst], items[worst]) { worst = left }
            if right < n, Self.ranksBelow(scores[right], items[right], scores[worst], items[worst]) { worst = right }
            if worst == parent { return }
            items.swapAt(parent, worst)
            scores.swapAt(parent, worst)
            parent = worst
        }
    }

    /// Appends the kept pairs, best first, to `outItems` and `outScores`; the heap is left empty.
    mutating func drainBestFirst(into outItems: inout [Int32], _ outScores: inout [Double]) {
        // Pop the worst repeatedly, filling the output back to front.
        let n = items.count
        let base = outItems.count
        outItems.append(contentsOf: repeatElement(0, count: n))
        outScores.append(contentsOf: repeatElement(0, count: n))
        var last = n - 1
        while last >= 0 {
            outItems[base + last] = items[0]
            outScores[base + last] = scores[0]
            items.swapAt(0, last)
            scores.swapAt(0, last)
            items.removeLast()
            scores.removeLast()
            if !items.isEmpty { siftDown(0) }
            last -= 1
        }
    }
}
