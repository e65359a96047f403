import Foundation

/// A hand-written SVG document: elements appended in drawing order, text and attributes
/// escaped. The result opens in any browser as it is.
struct SVGDocument {
    let width: Double
    let height: Double
    private var body: [String] = []
    private var depth = 1

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    var text: String {
        let size = "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" \(size) viewBox="0 0 \(Self.number(width)) \(Self.number(height))" \
            font-family="Helvetica, Arial, sans-serif" font-size="13">
            <rect x="0" y="0" width="\(Self.number(width))" height="\(Self.number(height))" fill="white"/>

            """ + body.joined(separator: "\n") + "\n</svg>\n"
    }

    /// An element with no content: `<line x1="…"/>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        append("<\(name)\(Self.attributes(attributes))/>")
    }

    /// An element with text content: `<text …>content</text>`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String) {
        append("<\(name)\(Self.attributes(attributes))>\(Self.escaped(text))</\(name)>")
    }

    /// A `<g>` around what `body` draws.
    mutating func group(_ attributes: KeyValuePairs<String, String>, _ body: (inout SVGDocument) -> Void) {
        append("<g\(Self.attributes(attributes))>")
        depth += 1
        body(&self)
        depth -= 1
        append("</g>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                       dash: String? = nil) {
        append("<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\""
               + " stroke=\"\(Self.escaped(stroke))\" stroke-width=\"\(Self.number(width))\""
               + (dash.map { " stroke-dasharray=\"\(Self.escaped($0))\"" } ?? "") + "/>")
    }

    /// An unfilled line through `points`, `class="line"`.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, dash: String? = nil) {
        append("<polyline class=\"line\" points=\"\(Self.points(points))\" fill=\"none\" stroke=\"\(Self.escaped(stroke))\""
               + " stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\""
               + (dash.map { " stroke-dasharray=\"\(Self.escaped($0))\"" } ?? "") + "/>")
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double? = nil,
                       bold: Bool = false, rotate: Double? = nil, fill: String = "#222") {
        var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if let size { attributes += " font-size=\"\(Self.number(size))\"" }
        if bold { attributes += " font-weight=\"bold\"" }
        if let rotate {
            attributes += " transform=\"rotate(\(Self.number(rotate)) \(Self.number(x)) \(Self.number(y)))\""
        }
        append("<text \(attributes)>\(Self.escaped(content))</text>")
    }

    private mutating func append(_ line: String) {
        body.append(String(repeating: "  ", count: depth) + line)
    }

    private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
    }

    /// XML-escaped text, fit for content and attribute values.
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Coordinates to two decimals, without trailing zeros: `12.5`, `300`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(format: "%.2f", rounded).trimmingTrailingZeros
    }

    /// `x1,y1 x2,y2 …` for `points` and `polyline`.
    static func points(_ points: [(Double, Double)]) -> String {
        points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
    }
}

extension String {
    /// `12.50` → `12.5`.
    var trimmingTrailingZeros: String {
        guard contains(".") else { return self }
        var copy = self
        while copy.last == "0" { copy.removeLast() }
        if copy.last == "." { copy.removeLast() }
        return copy
    }
}
