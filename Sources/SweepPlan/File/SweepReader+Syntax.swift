import LotteryCore
import Yams

extension SweepReader {
    /// Turns a Yams error (the text is not YAML, or repeats a key) into a diagnostic.
    mutating func report(syntax error: any Error) {
        guard let error = error as? YamlError else {
            diagnose(rootLocation, "", .syntax, "not valid YAML: \(error)")
            return
        }
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            diagnose(at(mark), "", .syntax, "not valid YAML: \(problem)\(while_)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            diagnose(at(context.mark), duplicates.first ?? "", .syntax,
                     "duplicate key " + duplicates.map { "'\($0)'" }.joined(separator: ", ") + "; each key may appear once",
                     suggestion: "to sweep a key, give it a list of values")
        case .reader(let problem, _, _, _):
            diagnose(rootLocation, "", .syntax, "cannot read the text: \(problem)")
        default:
            diagnose(rootLocation, "", .syntax, "not valid YAML: \(error)")
        }
    }
}
