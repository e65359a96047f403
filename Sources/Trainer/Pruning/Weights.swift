/// Values of every trainable tensor of a network (weights and biases), by name:
/// a snapshot to reset or rewind to, or the trained weights pruning reads.
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

    /// A copy of `network`'s current values.
    public init(of network: Network) {
        tensors = network.parameters.map { Tensor(name: $0.name, values: $0.value.array) }
    }

    public subscript(name: String) -> [Float]? {
        tensors.first { $0.name == name }?.values
    }

    /// Copies these values into `network`, tensor by tensor, then re-applies its masks.
    public func load(into network: Network) throws {
        guard tensors.count == network.parameters.count else {
            throw TrainerError.invalidRun("weights of \(tensors.count) tensors do not fit \(network.model.name), "
                + "which has \(network.parameters.count)")
        }
        for (parameter, tensor) in zip(network.parameters, tensors) {
            guard parameter.name == tensor.name, parameter.count == tensor.values.count else {
                throw TrainerError.invalidRun("tensor \(tensor.name) (\(tensor.values.count) values) does not fit "
                    + "\(parameter.name) (\(parameter.count)) of \(network.model.name)")
            }
            tensor.values.withUnsafeBufferPointer {
                parameter.value.pointer.update(from: $0.baseAddress!, count: $0.count)
            }
            parameter.applyMask()
        }
    }
}
