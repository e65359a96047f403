import LotteryCore
import Trainer
import Wire

/// The trainer's masks and weights as protocol artifacts, and back. The layout
/// (tensor order and sizes) comes from the model, so the bytes carry no names.
enum ArtifactCoding {
    /// Names and sizes of a model's tensors: every parameter followed by its
    /// running statistics (what `Weights` holds), and the prunable ones.
    struct Layout {
        var parameters: [(name: String, count: Int)]
        var prunable: [(name: String, kind: LayerKind, count: Int)]

        init(model: ModelSpec, dataset: Dataset) throws {
            let network = try Network(model: model, inputShape: dataset.info.inputShape,
                                      classes: dataset.info.classes, capacity: 1)
            parameters = network.parameters.map { ($0.name, $0.count) } + network.state.map { ($0.name, $0.count) }
            prunable = network.weights.map { ($0.layerName, $0.kind ?? .fc, $0.count) }
        }
    }

    static func artifact(_ mask: Mask) -> Artifact {
        .mask(mask.layers.flatMap { $0.keep.map { $0 != 0 } })
    }

    static func artifact(_ weights: Weights) -> Artifact {
        .weights(weights.tensors.flatMap(\.values))
    }

    static func mask(_ artifact: Artifact, layout: Layout) throws -> Mask {
        let bits = try artifact.mask()
        let expected = layout.prunable.reduce(0) { $0 + $1.count }
        guard bits.count == expected else {
            throw WorkerError.badArtifact("a mask of \(bits.count) bits for a model with \(expected) prunable weights")
        }
        var offset = 0
        return Mask(layers: layout.prunable.map { tensor in
            defer { offset += tensor.count }
            return LayerMask(name: tensor.name, kind: tensor.kind, keep: bits[offset..<(offset + tensor.count)].map { $0 ? 1 : 0 })
        })
    }

    static func weights(_ artifact: Artifact, layout: Layout) throws -> Weights {
        let values = try artifact.weights()
        let expected = layout.parameters.reduce(0) { $0 + $1.count }
        guard values.count == expected else {
            throw WorkerError.badArtifact("weights of \(values.count) values for a model with \(expected) parameters")
        }
        var offset = 0
        return Weights(tensors: layout.parameters.map { tensor in
            defer { offset += tensor.count }
            return Weights.Tensor(name: tensor.name, values: Array(values[offset..<(offset + tensor.count)]))
        })
    }
}

/// Something a worker cannot do, said plainly.
public struct WorkerError: Error, CustomStringConvertible, Sendable {
    public let description: String

    static func badArtifact(_ detail: String) -> WorkerError { WorkerError(description: "bad artifact: \(detail)") }
    static func rejected(_ detail: String) -> WorkerError { WorkerError(description: detail) }
}
