import LotteryCore

/// "Did you mean …?": the known word nearest to a misspelt one.
enum Suggestion {
    /// The candidate with the smallest edit distance to `word`, if it is close enough to be
    /// a plausible typo (at most a third of the word's length, and at least 2 edits allowed);
    /// otherwise the first candidate that starts with the word (`lenet-300` → `lenet-300-100`).
    /// Ties go to the earlier candidate, so schema order decides.
    static func nearest(to word: String, among candidates: [String]) -> String? {
        if let close = closest(to: word, among: candidates) { return close }
        guard word.count >= 3 else { return nil }
        return candidates.first { $0.lowercased().hasPrefix(word.lowercased()) }
    }

    private static func closest(to word: String, among candidates: [String]) -> String? {
        let allowed = max(2, word.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if distance <= allowed, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// `did you mean 'x'?` for the nearest candidate, or nil.
    static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        nearest(to: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost 1.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
