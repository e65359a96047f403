import Foundation
import Wire

extension CoordinatorService {
    /// Answers a message that could not be decoded, when an answer helps its sender: one
    /// of another protocol version gets `REJECT version`; any other `HELLO`, `REJECT
    /// malformed-hello` saying what was wrong, since a worker waits for the answer to
    /// its `HELLO` and would wait forever. At most one a second per peer
    /// (`RejectionLimiter`). Anything else is only dropped (the caller counts it).
    func answerUndecodable(_ error: DecodeError, from peer: PeerID) {
        let reason: RejectReason
        let detail: String
        if error.unsupportedVersion != nil {
            reason = .version
            detail = error.detail
        } else if error.type == .hello {
            reason = .malformedHello
            detail = "the coordinator cannot read this HELLO (\(error.reason)): \(error.detail); "
                + "docs/PROTOCOL.md says what a HELLO holds"
        } else {
            return
        }
        guard rejectionLimiter.allows(peer) else { return }
        let text = Self.rejectionText(detail)
        if reason == .version {
            logger.warning("worker \(peer) speaks another protocol version: \(text)")
        } else {
            logger.error("rejected worker \(peer): \(text)")
            if rejectionsJournaled < 100 {
                rejectionsJournaled += 1
                let worker = peer.description
                pendingWrites.append {
                    try $0.event(at: Date().timeIntervalSince1970, kind: "worker-rejected", worker: worker,
                                 message: "\(reason): \(text)")
                }
            }
        }
        send(peer, .reject(.init(reason: reason, detail: text)))
    }

    /// `detail` cut to what a `REJECT` may carry (16 KiB of text, docs/PROTOCOL.md): a
    /// decoding error may quote what the peer sent.
    static func rejectionText(_ detail: String) -> String {
        detail.count > 4_000 ? String(detail.prefix(4_000)) + "…" : detail
    }
}
