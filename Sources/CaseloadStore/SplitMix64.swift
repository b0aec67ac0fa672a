// The demo's own seeded random numbers (also the stress worker's): the same seed gives the same program on every
// machine and Swift version (SystemRandomNumberGenerator and hashing seeds would not).

public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for one entity (client 17, group 3, …), so what one client gets
    /// does not depend on how many random numbers the others used.
    public init(seed: UInt64, stream: UInt64, index: Int) {
        var mixer = SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        let a = mixer.next() ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        mixer = SplitMix64(seed: a)
        let b = mixer.next() ^ (UInt64(bitPattern: Int64(index)) &* 0xD6E8_FEB8_6659_FD93)
        self.init(seed: b)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (the modulo bias is irrelevant at these sizes).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % span)
    }

    /// Uniform in [0, 1).
    public mutating func double() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    public mutating func chance(_ p: Double) -> Bool { double() < p }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Index into `weights` with probability proportional to each weight.
    public mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = double() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, int(0...i))
        }
    }
}
