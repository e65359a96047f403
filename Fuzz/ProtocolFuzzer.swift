// libFuzzer target for the protocol decoder (`WireMessage(frames:)`); built and run by
// `scripts/fuzz protocol`. Not part of the package build.
//
// An input is a message's frames joined by the separator "\n~~\n" (type, header, binary
// frames): Tests/WireTests/FuzzCorpus/protocol holds inputs in this form, and
// `ProtocolCorpusTests` replays them in every test run.
import Wire

private let separator: [UInt8] = Array("\n~~\n".utf8)

/// The frames of a fuzz input.
func frames(of input: [UInt8]) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    var start = 0
    var index = 0
    while index + separator.count <= input.count {
        if input[index ..< index + separator.count].elementsEqual(separator) {
            frames.append(Array(input[start ..< index]))
            index += separator.count
            start = index
        } else {
            index += 1
        }
    }
    frames.append(Array(input[start...]))
    return frames
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocolDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    // Anything may be refused (with a DecodeError); nothing may trap.
    guard let message = try? WireMessage(frames: frames(of: input)) else { return 0 }
    // What decodes must encode, and decode again to a message that encodes to the same bytes.
    let unlimited = MessageLimits(maxHeaderBytes: .max)
    let encoded: [[UInt8]]
    do {
        encoded = try message.frames(limits: unlimited)
    } catch {
        fatalError("a decoded \(message.typeName) does not encode: \(error)")
    }
    let again: WireMessage
    do {
        again = try WireMessage(frames: encoded, limits: unlimited)
    } catch {
        fatalError("a re-encoded \(message.typeName) does not decode: \(error)\n\(String(decoding: encoded[1], as: UTF8.self))")
    }
    guard let reencoded = try? again.frames(limits: unlimited), reencoded == encoded else {
        fatalError("a \(message.typeName) changes when encoded and decoded again:\n\(String(decoding: encoded[1], as: UTF8.self))")
    }
    return 0
}
