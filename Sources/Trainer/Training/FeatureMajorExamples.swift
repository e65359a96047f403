/// A fixed set of examples' bytes regrouped for a `.features` input, slice by
/// slice: within a slice, feature after feature, each the slice's examples side
/// by side. Evaluation measures the same examples every time, so a sparse
/// network's batcher regroups them once and then converts each slice's input
/// with sequential reads and writes (one table lookup per byte), instead of
/// gathering every feature from scattered examples at every evaluation.
/// LeNet's 20,000 evaluated examples take 15.7 MB.
struct FeatureMajorExamples {
    let indices: [Int32]
    /// Examples per slice: the network's evaluation slice.
    let slice: Int
    let features: Int
    let bytes: [UInt8]
    let labels: [Int32]

    init(indices: [Int32], of examples: Examples, slice: Int) {
        self.indices = indices
        self.slice = slice
        features = examples.featuresPerExample
        labels = indices.map { Int32(examples.labels[Int($0)]) }
        let features = features
        let slices = (indices.count + slice - 1) / slice
        bytes = [UInt8](unsafeUninitializedCapacity: slices * slice * features) { buffer, initialized in
            buffer.initialize(repeating: 0)
            examples.pixels.withUnsafeBufferPointer { pixels in
                for (position, index) in indices.enumerated() {
                    let source = pixels.baseAddress! + Int(index) * features
                    let block = buffer.baseAddress! + (position / slice) * slice * features + position % slice
                    for i in 0..<features { block[i * slice] = source[i] }
                }
            }
            initialized = buffer.count
        }
    }

    var sliceCount: Int { (indices.count + slice - 1) / slice }

    /// Writes slice `number` into `input` in the `.features` layout, normalised by
    /// `tables` (one per channel), and returns its number of examples.
    func load(slice number: Int, into input: UnsafeMutablePointer<Float>, tables: [[Float]]) -> Int {
        let rows = min(slice, indices.count - number * slice)
        let lanes = ActivationLayout.lanes(rows: rows)
        let plane = features / tables.count
        bytes.withUnsafeBufferPointer { bytes in
            let block = bytes.baseAddress! + number * slice * features
            for (channel, table) in tables.enumerated() {
                table.withUnsafeBufferPointer { lookup in
                    let t = lookup.baseAddress!
                    for i in (channel * plane)..<((channel + 1) * plane) {
                        let source = block + i * slice
                        let destination = input + i * lanes
                        for r in 0..<rows { destination[r] = t[Int(source[r])] }
                        for r in rows..<lanes { destination[r] = 0 }
                    }
                }
            }
        }
        return rows
    }
}
