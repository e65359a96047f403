import Foundation

/// The pruning of one chain: method, scope and per-round rates, from which each level's
/// `PruningSpec` follows.
public struct PruningSchedule: Hashable, Sendable, Codable {
    public var method: PruningMethod
    public var scope: PruningSpec.Scope
    /// The share of each kind's remaining weights that one round of iterative pruning removes.
    public var ratesPerRound: LayerRates

    public init(method: PruningMethod, scope: PruningSpec.Scope, ratesPerRound: LayerRates) {
        self.method = method
        self.scope = scope
        self.ratesPerRound = ratesPerRound
    }

    /// How the trial at `level` (≥ 1) is pruned from its parent: by the per-round rates for
    /// iterative pruning (the parent is level − 1), or in one round from the dense run to
    /// the same density for one-shot pruning (the parent is level 0).
    public func pruning(atLevel level: Int) -> PruningSpec {
        switch method {
        case .iterative:
            return PruningSpec(scope: scope, rates: ratesPerRound)
        case .oneShot:
            func oneShot(_ rate: Double) -> Double {
                var kept = 1.0
                for _ in 0..<level { kept *= 1 - rate }  // plain products: the same on every machine
                return Self.canonicalRate(1 - kept)
            }
            return PruningSpec(scope: scope, rates: LayerRates(
                conv: oneShot(ratesPerRound.conv), fc: oneShot(ratesPerRound.fc), output: oneShot(ratesPerRound.output)))
        }
    }

    /// The per-round rate that leaves `target` of the weights after `rounds` rounds:
    /// 1 − target^(1/rounds).
    public static func rate(reaching target: Double, in rounds: Int) -> Double {
        canonicalRate(1 - pow(target, 1 / Double(rounds)))
    }

    /// A computed rate rounded to 12 decimal places. Trial ids hash the rates, and `pow`
    /// may differ in the last bit between C libraries; rounding keeps the ids the same
    /// everywhere (and makes 1 − (1 − 0.2) exactly 0.2).
    public static func canonicalRate(_ rate: Double) -> Double {
        (rate * 1e12).rounded() / 1e12
    }
}
