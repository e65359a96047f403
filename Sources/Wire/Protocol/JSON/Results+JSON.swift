import LotteryCore

// The header JSON of the result types `METRICS` and `RESULT` carry: the fields of their
// synthesized `Codable` form, keys sorted.

extension Evaluation {
    init(json: JSONValue, _ path: FieldPath) throws(DecodeError) {
        let fields = try JSONRead.object(json, path)
        self.init(iteration: try fields.int("iteration"), split: try fields.enumeration("split"),
                  loss: try fields.double("loss"), accuracy: try fields.double("accuracy"))
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("accuracy")
        writer.double(accuracy)
        writer.key("iteration")
        writer.int(iteration)
        writer.key("loss")
        writer.double(loss)
        writer.key("split")
        writer.string(split.rawValue)
        writer.endObject()
    }
}

extension LayerDensity {
    init(json: JSONValue, _ path: FieldPath) throws(DecodeError) {
        let fields = try JSONRead.object(json, path)
        self.init(name: try fields.string("name"), kind: try fields.enumeration("kind"),
                  remaining: try fields.int("remaining"), total: try fields.int("total"))
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("kind")
        writer.string(kind.rawValue)
        writer.key("name")
        writer.string(name)
        writer.key("remaining")
        writer.int(remaining)
        writer.key("total")
        writer.int(total)
        writer.endObject()
    }
}

extension RunSummary {
    init(json fields: JSONFields) throws(DecodeError) {
        let (elements, path) = try fields.array("layers")
        var layers: [LayerDensity] = []
        layers.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            layers.append(try LayerDensity(json: element, path.element(index)))
        }
        self.init(iterations: try fields.int("iterations"), earlyStopIteration: try fields.int("earlyStopIteration"),
                  minValidationLoss: try fields.double("minValidationLoss"),
                  earlyStopTestAccuracy: try fields.double("earlyStopTestAccuracy"),
                  finalValidationLoss: try fields.double("finalValidationLoss"),
                  finalValidationAccuracy: try fields.double("finalValidationAccuracy"),
                  finalTestLoss: try fields.double("finalTestLoss"),
                  finalTestAccuracy: try fields.double("finalTestAccuracy"),
                  // Optional: a worker from before training accuracy was measured leaves them out.
                  earlyStopTrainAccuracy: try fields.optionalDouble("earlyStopTrainAccuracy") ?? .nan,
                  earlyStopTrainLoss: try fields.optionalDouble("earlyStopTrainLoss") ?? .nan,
                  finalTrainAccuracy: try fields.optionalDouble("finalTrainAccuracy") ?? .nan,
                  finalTrainLoss: try fields.optionalDouble("finalTrainLoss") ?? .nan,
                  layers: layers, seconds: try fields.double("seconds"))
    }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("earlyStopIteration")
        writer.int(earlyStopIteration)
        writer.key("earlyStopTestAccuracy")
        writer.double(earlyStopTestAccuracy)
        writer.key("earlyStopTrainAccuracy")
        writer.double(earlyStopTrainAccuracy)
        writer.key("earlyStopTrainLoss")
        writer.double(earlyStopTrainLoss)
        writer.key("finalTestAccuracy")
        writer.double(finalTestAccuracy)
        writer.key("finalTestLoss")
        writer.double(finalTestLoss)
        writer.key("finalTrainAccuracy")
        writer.double(finalTrainAccuracy)
        writer.key("finalTrainLoss")
        writer.double(finalTrainLoss)
        writer.key("finalValidationAccuracy")
        writer.double(finalValidationAccuracy)
        writer.key("finalValidationLoss")
        writer.double(finalValidationLoss)
        writer.key("iterations")
        writer.int(iterations)
        writer.key("layers")
        writer.beginArray()
        for layer in layers { layer.write(to: &writer) }
        writer.endArray()
        writer.key("minValidationLoss")
        writer.double(minValidationLoss)
        writer.key("seconds")
        writer.double(seconds)
        writer.endObject()
    }
}
