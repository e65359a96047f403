/// A fixed-size, 64-byte aligned array of floats with reference semantics, for
/// the trainer's parameters, gradients and activations. Hot loops take its
/// pointer once; nothing here checks bounds per element.
public final class FloatBuffer: @unchecked Sendable {
    // @unchecked: a buffer belongs to one training run on one thread at a time;
    // it is handed across threads only whole, never shared while written.
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int, value: Float = 0) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        pointer.deallocate()
    }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public func fill(_ value: Float) {
        pointer.update(repeating: value, count: count)
    }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count)
        pointer.update(from: other.pointer, count: count)
    }

    public func copy() -> FloatBuffer {
        let result = FloatBuffer(count: count)
        result.copy(from: self)
        return result
    }
}
