/// How a batch's activations sit in memory between two layers.
///
/// Dense products and convolutions read examples one after another. Sparse
/// layers read features: a kept weight `w[i, j]` multiplies input feature `i` of
/// every example at once, so feature `i` of the whole batch must be one
/// contiguous row they can load as vectors.
enum ActivationLayout: Hashable, Sendable {
    /// `rows × features`, row-major: an example's activations are contiguous
    /// (channel after channel for images).
    case examples
    /// `features × lanes`, row-major: feature `f` of example `r` is at
    /// `f · lanes + r`, where `lanes` is the number of rows rounded up to a whole
    /// vector (`lanes(rows:)`). The lanes past the last row hold zeros, or values
    /// computed from zeros; every gradient there is zero, so they never reach a
    /// weight's gradient.
    case features

    /// Floats of one vector of lanes: 16 (two AVX2 registers).
    static let laneGroup = 16

    /// The row stride of the `.features` layout for `rows` examples.
    static func lanes(rows: Int) -> Int {
        (rows + laneGroup - 1) / laneGroup * laneGroup
    }

    /// Floats a buffer needs for `rows` examples of `features` values in either layout.
    static func capacity(rows: Int, features: Int) -> Int {
        lanes(rows: rows) * features
    }

    /// Copies `rows` examples of `features` values from `source` in `self` into
    /// `destination` in `layout`. In `.features`, the padding lanes are zeroed.
    func convert(_ source: UnsafePointer<Float>, to layout: ActivationLayout,
                 into destination: UnsafeMutablePointer<Float>, rows: Int, features: Int) {
        let lanes = Self.lanes(rows: rows)
        switch (self, layout) {
        case (.examples, .examples):
            destination.update(from: source, count: rows * features)
        case (.features, .features):
            destination.update(from: source, count: lanes * features)
        case (.examples, .features):
            // Blocks of 16 examples × 16 features stay in cache between the
            // strided reads and the strided writes.
            var f0 = 0
            while f0 < features {
                let f1 = min(f0 + 16, features)
                var r0 = 0
                while r0 < rows {
                    let r1 = min(r0 + 16, rows)
                    for f in f0..<f1 {
                        let row = destination + f * lanes
                        for r in r0..<r1 { row[r] = source[r * features + f] }
                    }
                    r0 = r1
                }
                for f in f0..<f1 where lanes > rows {
                    (destination + f * lanes + rows).update(repeating: 0, count: lanes - rows)
                }
                f0 = f1
            }
        case (.features, .examples):
            var r0 = 0
            while r0 < rows {
                let r1 = min(r0 + 16, rows)
                var f0 = 0
                while f0 < features {
                    let f1 = min(f0 + 16, features)
                    for r in r0..<r1 {
                        let row = destination + r * features
                        for f in f0..<f1 { row[f] = source[f * lanes + r] }
                    }
                    f0 = f1
                }
                r0 = r1
            }
        }
    }
}
