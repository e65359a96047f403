import LotteryCore

/// Adam, SGD and SGD with momentum, each fused into one pass over a tensor that
/// applies weight decay, the mask, the moment updates and the step together.
///
/// Pruned weights never move: their gradient is multiplied by the mask before it
/// reaches the moments, so their moments stay exactly zero, and the updated weight
/// is multiplied by the mask again, so it stays exactly zero. A compressed weight
/// (a sparse layer's) stores its kept weights only: its moments exist for those
/// alone, and it has no pruned weight to keep at zero.
public final class Optimizer {
    public let spec: OptimizerSpec
    private let parameters: [Parameter]
    /// Adam's first moment or SGD's momentum buffer, per parameter.
    private let firstMoments: [FloatBuffer]
    /// Adam's second moment, per parameter (empty for SGD).
    private let secondMoments: [FloatBuffer]
    /// Updates taken so far (Adam's bias correction needs it).
    public private(set) var steps = 0

    public init(_ spec: OptimizerSpec, parameters: [Parameter]) {
        self.spec = spec
        self.parameters = parameters
        // Sized by what each tensor stores: a compressed weight's kept values only.
        firstMoments = spec.kind == .sgd ? [] : parameters.map { FloatBuffer(count: $0.value.count) }
        secondMoments = spec.kind == .adam ? parameters.map { FloatBuffer(count: $0.value.count) } : []
    }

    /// Moments of one parameter, for tests of the masking invariant.
    public func moments(of index: Int) -> (first: FloatBuffer?, second: FloatBuffer?) {
        (firstMoments.isEmpty ? nil : firstMoments[index], secondMoments.isEmpty ? nil : secondMoments[index])
    }

    /// One update of every parameter from its current gradient. Each value's update
    /// is its own, so a large tensor is shared between the trial's lanes, in whole
    /// vectors, with the same result whatever the split.
    public func step(learningRate: Double) {
        steps += 1
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.value.count
            guard count >= Self.smallestShared else {
                update(parameter, index: index, range: 0..<count, learningRate: learningRate)
                continue
            }
            Lanes.split((count + Vector.scalarCount - 1) / Vector.scalarCount) { vectors in
                update(parameter, index: index,
                       range: vectors.lowerBound * Vector.scalarCount..<min(count, vectors.upperBound * Vector.scalarCount),
                       learningRate: learningRate)
            }
        }
    }

    /// Updates the values of `parameter` in `range`.
    private func update(_ parameter: Parameter, index: Int, range: Range<Int>, learningRate: Double) {
        switch spec.kind {
        case .adam: adam(parameter, index: index, range: range, learningRate: learningRate)
        case .sgd: sgd(parameter, range: range, learningRate: learningRate)
        case .momentum: momentum(parameter, index: index, range: range, learningRate: learningRate)
        }
    }

    /// Tensors smaller than this are updated on one lane: handing them out costs
    /// more than it saves.
    static let smallestShared = 1 << 15

    private func adam(_ parameter: Parameter, index: Int, range: Range<Int>, learningRate: Double) {
        let t = Double(steps)
        let correction1 = 1 - pow(spec.beta1, t)
        let correction2 = 1 - pow(spec.beta2, t)
        // PyTorch's form: w -= lr/c1 · m / (√v/√c2 + ε)
        let stepSize = Float(learningRate / correction1)
        let inverseRootCorrection2 = Float(1 / correction2.squareRoot())
        let beta1 = Float(spec.beta1), beta2 = Float(spec.beta2)
        let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2
        let epsilon = Float(spec.epsilon)
        let decay = Float(spec.weightDecay)
        let w = parameter.value.pointer
        let g = parameter.gradient.pointer
        let m = firstMoments[index].pointer
        let v = secondMoments[index].pointer
        let n = range.upperBound
        // Biases (no mask) are a few hundred values: a plain loop. Weights take
        // explicit vectors: with five streams, three of them written, the
        // compiler's alias checks give up and its loop would stay scalar. A
        // compressed weight keeps everything it stores: the same arithmetic
        // without the mask's (exact) multiplications by one.
        var i = range.lowerBound
        let vectorEnd = n - (n - i) % Vector.scalarCount
        if parameter.isCompressed {
            while i < vectorEnd {
                let weight = load(w, i)
                let gradient = load(g, i) + decay * weight
                let first = beta1 * load(m, i) + oneMinusBeta1 * gradient
                let second = beta2 * load(v, i) + oneMinusBeta2 * gradient * gradient
                store(first, m, i)
                store(second, v, i)
                store(weight - stepSize * first / (second.squareRoot() * inverseRootCorrection2 + epsilon), w, i)
                i += Vector.scalarCount
            }
        } else if let mask = parameter.mask?.pointer {
            while i < vectorEnd {
                let keep = load(mask, i)
                let weight = load(w, i)
                let gradient = (load(g, i) + decay * weight) * keep
                let first = beta1 * load(m, i) + oneMinusBeta1 * gradient
                let second = beta2 * load(v, i) + oneMinusBeta2 * gradient * gradient
                store(first, m, i)
                store(second, v, i)
                store((weight - stepSize * first / (second.squareRoot() * inverseRootCorrection2 + epsilon)) * keep, w, i)
                i += Vector.scalarCount
            }
        }
        while i < n {
            let keep = parameter.mask?.pointer[i] ?? 1
            let gradient = (g[i] + decay * w[i]) * keep
            let first = beta1 * m[i] + oneMinusBeta1 * gradient
            let second = beta2 * v[i] + oneMinusBeta2 * gradient * gradient
            m[i] = first
            v[i] = second
            w[i] = (w[i] - stepSize * first / (second.squareRoot() * inverseRootCorrection2 + epsilon)) * keep
            i += 1
        }
    }

    private func sgd(_ parameter: Parameter, range: Range<Int>, learningRate: Double) {
        let rate = Float(learningRate)
        let decay = Float(spec.weightDecay)
        let w = parameter.value.pointer
        let g = parameter.gradient.pointer
        if let mask = parameter.mask?.pointer {
            for i in range {
                w[i] = (w[i] - rate * (g[i] + decay * w[i])) * mask[i]
            }
        } else {
            for i in range {
                w[i] -= rate * (g[i] + decay * w[i])
            }
        }
    }

    private func momentum(_ parameter: Parameter, index: Int, range: Range<Int>, learningRate: Double) {
        let rate = Float(learningRate)
        let decay = Float(spec.weightDecay)
        let mu = Float(spec.momentum)
        let w = parameter.value.pointer
        let g = parameter.gradient.pointer
        let buffer = firstMoments[index].pointer
        let n = range.upperBound
        // Explicit vectors, as in `adam`: four streams, two of them written.
        var i = range.lowerBound
        let vectorEnd = n - (n - i) % Vector.scalarCount
        if let mask = parameter.mask?.pointer {
            while i < vectorEnd {
                let keep = load(mask, i)
                let velocity = mu * load(buffer, i) + (load(g, i) + decay * load(w, i)) * keep
                store(velocity, buffer, i)
                store((load(w, i) - rate * velocity) * keep, w, i)
                i += Vector.scalarCount
            }
            while i < n {
                let keep = mask[i]
                let velocity = mu * buffer[i] + (g[i] + decay * w[i]) * keep
                buffer[i] = velocity
                w[i] = (w[i] - rate * velocity) * keep
                i += 1
            }
        } else if parameter.isCompressed {
            // As the masked loop, which a compressed weight's twin runs, computes it.
            while i < vectorEnd {
                let velocity = mu * load(buffer, i) + (load(g, i) + decay * load(w, i))
                store(velocity, buffer, i)
                store(load(w, i) - rate * velocity, w, i)
                i += Vector.scalarCount
            }
            while i < n {
                let velocity = mu * buffer[i] + (g[i] + decay * w[i])
                buffer[i] = velocity
                w[i] -= rate * velocity
                i += 1
            }
        } else {
            while i < vectorEnd {
                let velocity = mu * load(buffer, i) + load(g, i) + decay * load(w, i)
                store(velocity, buffer, i)
                store(load(w, i) - rate * velocity, w, i)
                i += Vector.scalarCount
            }
            while i < n {
                let velocity = mu * buffer[i] + g[i] + decay * w[i]
                buffer[i] = velocity
                w[i] -= rate * velocity
                i += 1
            }
        }
    }
}

private typealias Vector = SIMD16<Float>

@inline(__always)
private func load(_ pointer: UnsafeMutablePointer<Float>, _ index: Int) -> Vector {
    UnsafeRawPointer(pointer + index).loadUnaligned(as: Vector.self)
}

@inline(__always)
private func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>, _ index: Int) {
    UnsafeMutableRawPointer(pointer + index).storeBytes(of: value, as: Vector.self)
}

#if canImport(Glibc)
import Glibc
#endif
