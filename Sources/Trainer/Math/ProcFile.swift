#if canImport(Glibc)
import Glibc
#endif

/// Lines of a small text file such as /proc/cpuinfo (empty if it cannot be read).
package enum ProcFile {
    package static func lines(_ path: String) -> [String] {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var lines: [String] = []
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            lines.append(String(cString: line))
        }
        return lines
    }
}
