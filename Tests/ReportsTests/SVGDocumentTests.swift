import Testing
@testable import Reports

@Suite struct SVGDocumentTests {
    @Test func textAndAttributesAreEscaped() throws {
        var document = SVGDocument(width: 100, height: 50)
        document.text("a < b & \"c\" 'd'", x: 1, y: 2)
        document.group(["class": "series", "data-label": "fc=0.2 · \"x\" <y>"]) { svg in
            svg.line(x1: 0, y1: 0, x2: 10, y2: 10, stroke: "#000", dash: "2 3")
        }
        #expect(document.text.contains("a &lt; b &amp; &quot;c&quot; &apos;d&apos;"))
        let root = try #require(XMLNode.parse(document.text))
        #expect(root.all("text").first?.text == "a < b & \"c\" 'd'")
        #expect(root.all("g").first?.attributes["data-label"] == "fc=0.2 · \"x\" <y>")
        #expect(root.all("line").first?.attributes["stroke-dasharray"] == "2 3")
    }

    @Test func theDocumentDeclaresItsNamespaceSizeAndViewBox() throws {
        let root = try #require(XMLNode.parse(SVGDocument(width: 640.5, height: 480).text))
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"] == "0 0 640.5 480")
        #expect(root.attributes["width"] == "640.5" && root.attributes["height"] == "480")
    }

    @Test func coordinatesHaveAtMostTwoDecimals() {
        #expect(SVGDocument.number(12.5) == "12.5")
        #expect(SVGDocument.number(300) == "300")
        #expect(SVGDocument.number(1.0 / 3.0) == "0.33")
        #expect(SVGDocument.number(-2.5) == "-2.5")
        #expect(SVGDocument.number(2.006) == "2.01")
        #expect(SVGDocument.number(.nan) == "0")
        #expect(SVGDocument.points([(1, 2), (3.25, 4)]) == "1,2 3.25,4")
    }
}
