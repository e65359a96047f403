import Dashboard
import Testing

@Suite struct ListenAddressTests {
    @Test func readsHostAndPort() throws {
        #expect(try ListenAddress("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress("[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(try ListenAddress("localhost:9") == ListenAddress(host: "127.0.0.1", port: 9))
        #expect(try ListenAddress(":9").isLoopback)
        #expect(try !ListenAddress("0.0.0.0:8080").isLoopback)
        #expect(try !ListenAddress("192.168.1.4:80").isLoopback)
        #expect(try ListenAddress("[::1]:80").isLoopback)
    }

    @Test(arguments: ["8080", "127.0.0.1", "127.0.0.1:99999", "example.org:80", "::1:80", "1.2.3.256:80", "[::1]80"])
    func refusesWhatIsNotAnAddress(_ text: String) {
        #expect(throws: DashboardError.self) { try ListenAddress(text) }
    }
}
