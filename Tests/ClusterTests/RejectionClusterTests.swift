import Foundation
import Journal
import LotteryCore
import Testing
import Wire

/// A coordinator process answering `HELLO`s it cannot take: each gets a `REJECT` that
/// says why, and a peer that keeps sending them gets at most one a second.
@Suite(.serialized) struct RejectionClusterTests {
    private func rejections(_ messages: [WireMessage]) -> [WireMessage.Rejection] {
        messages.compactMap { if case .reject(let rejection) = $0 { rejection } else { nil } }
    }

    private func helloHeader(slots: Int = 1, datasets: String) -> String {
        #"{"v":1,"worker":"w","host":"","slots":\#(slots),"threads":1,"datasets":\#(datasets),"running":[]}"#
    }

    @Test func aFingerprintInUppercaseHexIsTheSameFingerprint() async throws {
        let cluster = try await Cluster.started(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "uppercase")
        let expected = try ProtocolPeer.fingerprint(cluster)
        let files = expected.files.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value.uppercased())""# }
        let header = #"{"v":1,"worker":"shouty","host":"","slots":1,"threads":1,"#
            + #""datasets":{"fashion-mnist":"\#(expected.combined.uppercased())"},"#
            + #""files":{"fashion-mnist":{\#(files.joined(separator: ","))}},"running":[]}"#
        let peer = try ProtocolPeer(cluster, id: "shouty-0123abcd")
        try peer.send(type: "HELLO", header: header)
        let answer = try #require(try await peer.receive(),
                                  "no answer to a HELLO in uppercase hex; coordinator log:\n\(cluster.log("coordinator"))")
        guard case .welcome = answer else {
            Issue.record("expected WELCOME, got \(answer)")
            return
        }
        // What the coordinator expects is still written in lowercase.
        #expect(try ProtocolPeer.fingerprint(cluster).combined == expected.combined.lowercased())
        cluster.killCoordinator()
    }

    @Test func aMalformedHelloGetsARejectionSayingWhatWasWrongAtMostOnceASecond() async throws {
        let cluster = try await Cluster.started(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "malformed-hello")

        let typo = try ProtocolPeer(cluster, id: "typo-0123abcd")
        try typo.send(type: "HELLO", header: helloHeader(datasets: #"{"fashion-mnist":"not-a-digest"}"#))
        let answer = try #require(try await typo.receive(),
                                  "no answer to a malformed HELLO; coordinator log:\n\(cluster.log("coordinator"))")
        guard case .reject(let rejection) = answer else {
            Issue.record("expected REJECT, got \(answer)")
            return
        }
        #expect(rejection.reason.rawValue == "malformed-hello")
        #expect(rejection.reason.isFatal)
        #expect(rejection.detail.contains("datasets.fashion-mnist"), "\(rejection.detail)")
        #expect(rejection.detail.contains("64 hex digits"), "\(rejection.detail)")

        // A peer sending one malformed HELLO after another.
        let flood = try ProtocolPeer(cluster, id: "flood-0123abcd")
        let start = ContinuousClock.now
        for _ in 0 ..< 20 { try flood.send(type: "HELLO", header: helloHeader(slots: 0, datasets: "{}")) }
        let first = rejections(try await flood.collect(for: start + .milliseconds(900) - ContinuousClock.now))
        #expect(first.count == 1, "\(first)")
        #expect(first.first?.detail.contains("slots") == true, "\(first)")
        // A second later it is told again.
        try await Task.sleep(until: start + .milliseconds(1500), clock: .continuous)
        try flood.send(type: "HELLO", header: helloHeader(slots: 0, datasets: "{}"))
        #expect(rejections(try await flood.collect(for: .milliseconds(800))).count == 1)
        // Every one is counted as dropped all the same.
        try await Task.sleep(for: .seconds(1))
        #expect(try cluster.journal().counters().filter { $0.key.hasPrefix("dropped:") }.values.reduce(0, +) == 22)
        cluster.killCoordinator()
    }

    @Test func versionRejectionsAreSentAtMostOnceASecondPerPeer() async throws {
        let cluster = try await Cluster.started(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "version-flood")
        let future = try ProtocolPeer(cluster, id: "future-0123abcd")
        let other = try ProtocolPeer(cluster, id: "future-4567cdef")
        let header = #"{"v":2,"worker":"future","host":"","slots":1,"threads":1,"datasets":{},"running":[]}"#
        let start = ContinuousClock.now
        for _ in 0 ..< 20 { try future.send(type: "HELLO", header: header) }
        try other.send(type: "HELLO", header: header)
        let first = rejections(try await future.collect(for: start + .milliseconds(900) - ContinuousClock.now))
        #expect(first.count == 1, "\(first)")
        #expect(first.first?.reason == .version)
        // Each peer has its own second.
        #expect(rejections(try await other.collect(for: .milliseconds(100))).count == 1)
        try await Task.sleep(until: start + .milliseconds(1500), clock: .continuous)
        try future.send(type: "HELLO", header: header)
        #expect(rejections(try await future.collect(for: .milliseconds(800))).count == 1)
        cluster.killCoordinator()
    }
}
