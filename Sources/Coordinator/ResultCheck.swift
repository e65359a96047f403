import LotteryCore
import Wire

/// Whether the artifacts of a `RESULT` can be what its trial's recipe makes, checked
/// before the coordinator takes the result. A result taken is what the trial's children
/// start from: a mask of the wrong size would fail them on honest workers, and skip
/// their descendants, blaming the child for its parent's bad artifacts.
///
/// Checked, all from the recipe alone (the coordinator does not load the trainer):
/// - the roles: `mask` and `final-weights` always, `rewind-weights` exactly when the
///   recipe keeps them (`keepWeightsAt`; the trainer always makes them then);
/// - the mask's bit count against the model's prunable weights
///   (`ModelSpec.weightShapes`), and each weights artifact's value count against its
///   parameters and running statistics (`ModelSpec.snapshotValueCount`), on the
///   dataset's input shape and classes;
/// - every weight finite;
/// - the summary's layers against the model's, and the bits the mask keeps in each
///   layer against the summary's `remaining` (a pass over the mask's bytes).
///
/// The cost is one pass over each artifact's bytes, small beside the SHA-256 that
/// decoding the message already computed over the same bytes.
struct ResultCheck {
    let recipe: TrialRecipe

    /// The error a failed attempt is journaled with, naming the result, its sender and
    /// every problem found: `RESULT of 0c2b0d2a6ce5e2f1 attempt 2 from worker w: mask has 10
    /// bits, model lenet-300-100 on fashion-mnist has 266,200 prunable weights`. Nil when
    /// the result is what the recipe makes.
    func failure(of result: WireMessage.TrialResult, from worker: String) -> String? {
        let problems = problems(in: result)
        guard !problems.isEmpty else { return nil }
        return "RESULT of \(result.trial) attempt \(result.attempt) from worker \(worker): "
            + problems.joined(separator: "; ")
    }

    /// What is wrong with `result`, each problem in a few words; empty when nothing is.
    func problems(in result: WireMessage.TrialResult) -> [String] {
        var problems: [String] = []
        let artifacts = result.artifacts
        for role in [ArtifactRole.mask, .finalWeights] where artifacts[role] == nil {
            problems.append("it has no \(role.rawValue) artifact")
        }
        switch (recipe.keepWeightsAt, artifacts[.rewindWeights]) {
        case (let iteration?, nil):
            problems.append("it has no rewind-weights artifact, but the recipe keeps the weights at iteration \(iteration)")
        case (nil, _?):
            problems.append("it has a rewind-weights artifact, but the recipe keeps no weights")
        default:
            break
        }

        let model = Model(recipe)
        for role in [ArtifactRole.finalWeights, .rewindWeights] {
            guard let weights = artifacts[role] else { continue }
            problems += Self.weightsProblems(weights, role: role, model: model)
        }
        if let mask = artifacts[.mask] {
            problems += Self.maskProblems(mask, summary: result.summary, model: model)
        }
        return problems
    }

    /// The model as the recipe builds it on its dataset; no shapes when the dataset is
    /// one the planner does not know (then no count can be checked).
    private struct Model {
        let description: String
        let shapes: [WeightShape]?
        let snapshotValues: Int?

        init(_ recipe: TrialRecipe) {
            description = "model \(recipe.model.name) on \(recipe.data.dataset)"
            if let dataset = DatasetInfo.named(recipe.data.dataset) {
                shapes = recipe.model.weightShapes(input: dataset.inputShape, classes: dataset.classes)
                snapshotValues = recipe.model.snapshotValueCount(input: dataset.inputShape, classes: dataset.classes)
            } else {
                shapes = nil
                snapshotValues = nil
            }
        }

        var prunableWeights: Int? { shapes?.reduce(0) { $0 + $1.count } }
    }

    private static func weightsProblems(_ artifact: Artifact, role: ArtifactRole, model: Model) -> [String] {
        let count = artifact.bytes.count / 4
        if let expected = model.snapshotValues, count != expected {
            return ["\(role.rawValue) has \(grouped(count)) value\(count == 1 ? "" : "s"), \(model.description) has "
                + "\(grouped(expected)) parameters and running statistics"]
        }
        var nonFinite = 0
        var first: (index: Int, value: Float)? = nil
        artifact.bytes.withUnsafeBytes { raw in
            for index in 0 ..< count {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self))
                // All exponent bits set: an infinity or a NaN.
                if bits & 0x7f80_0000 == 0x7f80_0000 {
                    nonFinite += 1
                    if first == nil { first = (index, Float(bitPattern: bits)) }
                }
            }
        }
        guard let first else { return [] }
        return ["\(role.rawValue) has \(grouped(nonFinite)) value\(nonFinite == 1 ? "" : "s") that \(nonFinite == 1 ? "is" : "are") "
            + "not finite, the first at index \(grouped(first.index)) (\(first.value))"]
    }

    private static func maskProblems(_ artifact: Artifact, summary: RunSummary, model: Model) -> [String] {
        guard let (count, bits) = try? artifact.packedMask() else {
            return ["its mask artifact is not a valid mask"]  // the decoder checked the layout already
        }
        guard let shapes = model.shapes, let expected = model.prunableWeights else { return [] }
        guard count == expected else {
            return ["mask has \(grouped(count)) bit\(count == 1 ? "" : "s"), \(model.description) has "
                + "\(grouped(expected)) prunable weights"]
        }
        let listed = summary.layers.map(\.name)
        guard listed == shapes.map(\.name) else {
            return ["the summary lists the layers \(listed.joined(separator: ", ")), \(model.description) has "
                + shapes.map(\.name).joined(separator: ", ")]
        }
        var problems: [String] = []
        var offset = 0
        for (shape, layer) in zip(shapes, summary.layers) {
            defer { offset += shape.count }
            if layer.total != shape.count {
                problems.append("the summary gives \(shape.name) \(grouped(layer.total)) weights, \(model.description) "
                    + "has \(grouped(shape.count))")
                continue
            }
            let kept = keptBits(bits, from: offset, count: shape.count)
            if kept != layer.remaining {
                problems.append("mask keeps \(grouped(kept)) weights of \(shape.name), the summary says \(grouped(layer.remaining))")
            }
        }
        return problems
    }

    /// The 1 bits among `count` bits from bit `start` (least significant bit first).
    static func keptBits(_ bits: ArraySlice<UInt8>, from start: Int, count: Int) -> Int {
        let base = bits.startIndex
        func bit(_ index: Int) -> Int { Int(bits[base + index >> 3] >> UInt8(index & 7) & 1) }
        let end = start + count
        var index = start
        var total = 0
        while index < end && index & 7 != 0 {
            total += bit(index)
            index += 1
        }
        while index + 8 <= end {
            total += bits[base + index >> 3].nonzeroBitCount
            index += 8
        }
        while index < end {
            total += bit(index)
            index += 1
        }
        return total
    }

    /// `266200` as `266,200`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (position, digit) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}
