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
        tensors = network.parameters.map { Tensor(name: $0.name, values: $0.value.array) }
            + network.state.map { Tensor(name: $0.name, values: $0.value.array) }
    }

    public subscript(name: String) -> [Float]? {
        tensors.first { $0.name == name }?.values
    }

    /// Copies these values into `network`, tensor by tensor, then re-applies its masks.
    public func load(into network: Network) throws {
        let targets = network.parameters.map { ($0.name, $0.value) } + network.state.map { ($0.name, $0.value) }
        guard tensors.count == targets.count else {
            throw TrainerError.invalidRun("weights of \(tensors.count) tensors do not fit \(network.model.name), "
                + "which has \(targets.count)")
        }
        for ((name, buffer), tensor) in zip(targets, tensors) {
            guard name == tensor.name, buffer.count == tensor.values.count else {
                throw TrainerError.invalidRun("tensor \(tensor.name) (\(tensor.values.count) values) does not fit "
                    + "\(name) (\(buffer.count)) of \(network.model.name)")
            }
            tensor.values.withUnsafeBufferPointer {
                buffer.pointer.update(from: $0.baseAddress!, count: $0.count)
            }
        }
        for parameter in network.parameters { parameter.applyMask() }
    }
}
