import LotteryCore

/// Labelled examples kept as bytes, as they are on disk: a 60,000-image training
/// set is 47 MB this way instead of 188 MB as floats. Batches are converted to
/// floats when they are formed.
public struct Examples: Sendable {
    /// `count × featuresPerExample` bytes, example after example.
    public let pixels: [UInt8]
    public let labels: [UInt8]
    public let featuresPerExample: Int

    public init(pixels: [UInt8], labels: [UInt8], featuresPerExample: Int) {
        precondition(pixels.count == labels.count * featuresPerExample)
        self.pixels = pixels
        self.labels = labels
        self.featuresPerExample = featuresPerExample
    }

    public var count: Int { labels.count }
}

/// Input scaling as a lookup table: byte value → (value/255 − mean)/std per channel
/// (`standard`), or value/255 (`unit`: mean 0, std 1). One table per channel;
/// channels are contiguous planes of an example.
public struct Normalization: Sendable {
    public let tables: [[Float]]
    public let mean: [Double]
    public let standardDeviation: [Double]

    /// Mean and standard deviation of each channel over every training example
    /// (the whole training file, validation included, as is customary), or none.
    public init(of examples: Examples, channels: Int, scaling: InputScaling = .standard) {
        guard scaling == .standard else {
            let table = (0..<256).map { Float(Double($0) / 255) }
            tables = Array(repeating: table, count: channels)
            mean = Array(repeating: 0, count: channels)
            standardDeviation = Array(repeating: 1, count: channels)
            return
        }
        let plane = examples.featuresPerExample / channels
        var tables: [[Float]] = []
        var means: [Double] = []
        var deviations: [Double] = []
        for channel in 0..<channels {
            var histogram = [Int](repeating: 0, count: 256)
            examples.pixels.withUnsafeBufferPointer { pixels in
                for example in 0..<examples.count {
                    let start = example * examples.featuresPerExample + channel * plane
                    for offset in start..<(start + plane) {
                        histogram[Int(pixels[offset])] += 1
                    }
                }
            }
            let total = Double(histogram.reduce(0, +))
            var sum = 0.0
            var sumOfSquares = 0.0
            for (value, count) in histogram.enumerated() {
                let x = Double(value) / 255
                sum += x * Double(count)
                sumOfSquares += x * x * Double(count)
            }
            let mean = total > 0 ? sum / total : 0
            let variance = total > 0 ? max(sumOfSquares / total - mean * mean, 0) : 0
            let deviation = variance > 1e-12 ? variance.squareRoot() : 1
            means.append(mean)
            deviations.append(deviation)
            tables.append((0..<256).map { Float((Double($0) / 255 - mean) / deviation) })
        }
        self.tables = tables
        self.mean = means
        self.standardDeviation = deviations
    }
}
