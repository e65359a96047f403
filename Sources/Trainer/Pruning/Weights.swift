import LotteryCore

/// Values of every trainable tensor of a network (weights, biases, batch
/// normalization's γ and β), then of its running statistics, by name: a snapshot
/// to reset or rewind to, or the trained weights pruning reads. Carrying the
/// running statistics is what makes a rewind to iteration k restore the network
/// of iteration k, evaluation included.
public struct Weights: Hashable, Sendable, Codable {
    public struct Tensor: Hashable, Sendable, Codable {
        public var name: String
        public var values: [Float]

        public init(name: String, values: [Float]) {
            self.name = name
            self.values = values
        }
    }

    public var tensors: [Tensor]

    public init(tensors: [Tensor]) {
        self.tensors = tensors
    }

    /// A copy of `network`'s current values: its parameters, then its state.
    public init(of network: Network) {
        tensors = network.parameters.map { Tensor(name: $0.name, values: $0.denseValues) }
            + network.state.map { Tensor(name: $0.name, values: $0.value.array) }
    }

    public subscript(name: String) -> [Float]? {
        tensors.first { $0.name == name }?.values
    }

    /// Copies these values into `network`, tensor by tensor, then re-applies its masks.
    public func load(into network: Network) throws {
        let targets = network.parameters.map { ($0.name, $0.count) } + network.state.map { ($0.name, $0.value.count) }
        guard tensors.count == targets.count else {
            throw TrainerError.invalidRun("weights of \(tensors.count) tensors do not fit \(network.model.name), "
                + "which has \(targets.count)")
        }
        for ((name, count), tensor) in zip(targets, tensors) {
            guard name == tensor.name, count == tensor.values.count else {
                throw TrainerError.invalidRun("tensor \(tensor.name) (\(tensor.values.count) values) does not fit "
                    + "\(name) (\(count)) of \(network.model.name)")
            }
        }
        // Parameters keep only what their masks keep; compressed ones store only that.
        for (parameter, tensor) in zip(network.parameters, tensors) {
            tensor.values.withUnsafeBufferPointer { parameter.setDenseValues($0.baseAddress!) }
        }
        for (state, tensor) in zip(network.state, tensors.dropFirst(network.parameters.count)) {
            tensor.values.withUnsafeBufferPointer { state.value.pointer.update(from: $0.baseAddress!, count: $0.count) }
        }
    }
}
