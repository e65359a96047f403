// libFuzzer target for the sweep-file reader (`Sweep(yaml:)`) and the planner; built and
// run by `scripts/fuzz sweep`. Not part of the package build.
//
// An input is a sweep file's bytes (read as UTF-8, invalid sequences repaired, as a file
// would be): Tests/SweepPlanTests/FuzzCorpus/sweep holds inputs, and `SweepFileFuzzTests`
// replays them in every test run.
import LotteryCore
import SweepPlan

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSweepReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    // A sweep or a SweepError; nothing may trap.
    guard let sweep = try? Sweep(yaml: String(decoding: input, as: UTF8.self), file: "fuzz.yaml") else { return 0 }
    _ = Plan(sweep).summary
    return 0
}
