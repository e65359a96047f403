/// Where the kept weights of an `inputs × outputs` weight matrix sit: the
/// compressed form a sparse layer trains in. Only kept positions are stored;
/// pruned ones are not represented at all.
///
/// Stored values are in column order (CSC): output `j`'s kept weights are at
/// `columnStarts[j] ..< columnStarts[j + 1]`, with their input in `rowIndices`.
/// The forward pass and ∂W walk this order, each output's weights in one run.
/// ∂x walks the transpose (CSR): input `i`'s kept weights are at
/// `rowStarts[i] ..< rowStarts[i + 1]`, with their output in `columnIndices` and
/// where their value is stored in `storedPositions`.
package final class SparsePattern: @unchecked Sendable {
    // @unchecked: immutable after init; its buffers are only read.
    let inputs: Int
    let outputs: Int
    /// Kept weights.
    package let count: Int
    let columnStarts: UnsafeMutablePointer<Int32>
    let rowIndices: UnsafeMutablePointer<Int32>
    let rowStarts: UnsafeMutablePointer<Int32>
    let columnIndices: UnsafeMutablePointer<Int32>
    let storedPositions: UnsafeMutablePointer<Int32>

    /// The pattern of `keep` (`inputs × outputs`, row-major, nonzero = kept).
    init(keep: UnsafePointer<Float>, inputs: Int, outputs: Int) {
        precondition(inputs * outputs < Int(Int32.max), "a sparse layer indexes its weights with 32-bit integers")
        self.inputs = inputs
        self.outputs = outputs
        var kept = 0
        for index in 0..<(inputs * outputs) where keep[index] != 0 { kept += 1 }
        count = kept
        columnStarts = .allocate(capacity: outputs + 1)
        rowIndices = .allocate(capacity: max(kept, 1))
        rowStarts = .allocate(capacity: inputs + 1)
        columnIndices = .allocate(capacity: max(kept, 1))
        storedPositions = .allocate(capacity: max(kept, 1))

        // Column order, inputs ascending within each column.
        var position = 0
        for j in 0..<outputs {
            columnStarts[j] = Int32(position)
            for i in 0..<inputs where keep[i * outputs + j] != 0 {
                rowIndices[position] = Int32(i)
                position += 1
            }
        }
        columnStarts[outputs] = Int32(position)

        // The transpose: count per row, prefix sums, then fill in column order,
        // so each row's entries come in ascending output order.
        rowStarts.initialize(repeating: 0, count: inputs + 1)
        for k in 0..<kept { rowStarts[Int(rowIndices[k]) + 1] += 1 }
        for i in 0..<inputs { rowStarts[i + 1] += rowStarts[i] }
        var next = [Int32](unsafeUninitializedCapacity: inputs) { buffer, initialized in
            for i in 0..<inputs { buffer[i] = rowStarts[i] }
            initialized = inputs
        }
        for j in 0..<outputs {
            for k in Int(columnStarts[j])..<Int(columnStarts[j + 1]) {
                let i = Int(rowIndices[k])
                let slot = Int(next[i])
                columnIndices[slot] = Int32(j)
                storedPositions[slot] = Int32(k)
                next[i] += 1
            }
        }
    }

    deinit {
        columnStarts.deallocate()
        rowIndices.deallocate()
        rowStarts.deallocate()
        columnIndices.deallocate()
        storedPositions.deallocate()
    }

    /// Bytes the pattern itself takes (the values and their gradient are extra).
    package var bytes: Int { 4 * (outputs + 1 + inputs + 1 + 3 * count) }

    /// The stored values read from a dense matrix.
    package func gather(_ dense: UnsafePointer<Float>, into stored: UnsafeMutablePointer<Float>) {
        for j in 0..<outputs {
            for k in Int(columnStarts[j])..<Int(columnStarts[j + 1]) {
                stored[k] = dense[Int(rowIndices[k]) * outputs + j]
            }
        }
    }

    /// A dense matrix from the stored values: +0 wherever a weight is pruned.
    func scatter(_ stored: UnsafePointer<Float>, into dense: UnsafeMutablePointer<Float>) {
        dense.update(repeating: 0, count: inputs * outputs)
        for j in 0..<outputs {
            for k in Int(columnStarts[j])..<Int(columnStarts[j + 1]) {
                dense[Int(rowIndices[k]) * outputs + j] = stored[k]
            }
        }
    }

    /// 1 where a weight is kept, 0 where pruned, dense and row-major.
    func keep(into dense: UnsafeMutablePointer<Float>) {
        dense.update(repeating: 0, count: inputs * outputs)
        for j in 0..<outputs {
            for k in Int(columnStarts[j])..<Int(columnStarts[j + 1]) {
                dense[Int(rowIndices[k]) * outputs + j] = 1
            }
        }
    }
}
