import LotteryCore

/// Which weights of one prunable layer are kept: 1 kept, 0 pruned.
public struct LayerMask: Hashable, Sendable, Codable {
    public var name: String
    public var kind: LayerKind
    public var keep: [UInt8]

    public init(name: String, kind: LayerKind, keep: [UInt8]) {
        self.name = name
        self.kind = kind
        self.keep = keep
    }

    public var remaining: Int { keep.reduce(0) { $0 + Int($1) } }
    public var density: LayerDensity { LayerDensity(name: name, kind: kind, remaining: remaining, total: keep.count) }
}

/// The mask of a whole network: the subnetwork a ticket keeps.
public struct Mask: Hashable, Sendable, Codable {
    public var layers: [LayerMask]

    public init(layers: [LayerMask]) {
        self.layers = layers
    }

    /// Everything kept, shaped like `network`'s prunable weights.
    public static func dense(for network: Network) -> Mask {
        Mask(layers: network.weights.map {
            LayerMask(name: $0.layerName, kind: $0.kind ?? .fc, keep: [UInt8](repeating: 1, count: $0.count))
        })
    }

    /// The mask a network currently trains with.
    public init(of network: Network) {
        layers = network.weights.map { parameter in
            LayerMask(name: parameter.layerName, kind: parameter.kind ?? .fc,
                      keep: parameter.keep.map { $0 != 0 ? 1 : 0 })
        }
    }

    public var densities: [LayerDensity] { layers.map(\.density) }

    /// Installs this mask in `network` and zeroes the weights it prunes.
    public func apply(to network: Network) throws {
        let weights = network.weights
        guard weights.count == layers.count else {
            throw TrainerError.invalidRun("a mask of \(layers.count) layers does not fit \(network.model.name), "
                + "which has \(weights.count) prunable layers")
        }
        for (parameter, layer) in zip(weights, layers) {
            guard parameter.layerName == layer.name, parameter.count == layer.keep.count else {
                throw TrainerError.invalidRun("mask layer \(layer.name) (\(layer.keep.count) weights) does not fit "
                    + "\(parameter.layerName) (\(parameter.count) weights) of \(network.model.name)")
            }
            guard !parameter.isCompressed else {
                throw TrainerError.invalidRun("\(parameter.layerName) already trains sparse; "
                    + "a mask is set before the kernels are chosen")
            }
            parameter.setMask { Float(layer.keep[$0]) }
        }
    }
}
