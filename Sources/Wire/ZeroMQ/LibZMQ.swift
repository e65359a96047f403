import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only code in the package that calls libzmq.
///
/// Each C function is called from exactly one function here, and each return code is
/// turned into a `WireError` here, once, with `zmq_strerror`'s text. Would-block
/// (`EAGAIN`) is returned as `nil`/`false`, never thrown. Everything above this file
/// speaks Swift types only.
enum LibZMQ {
    /// A libzmq context or socket, as libzmq hands it out.
    typealias Handle = UnsafeMutableRawPointer

    static let contextTerminatedCode: Int32 = ETERM
    static let hostUnreachableCode: Int32 = EHOSTUNREACH

    // MARK: errors

    private static func errorNumber() -> Int32 {
        zmq_errno()
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = zmq_strerror(code) else { return "unknown error \(code)" }
        return String(cString: text)
    }

    private static func lastError(_ operation: @autoclosure () -> String) -> WireError {
        let code = errorNumber()
        return .library(code: code, text: errorText(code), operation: operation())
    }

    /// The errno of the last failure, for the callers that treat some codes as answers.
    private static func failed(_ operation: @autoclosure () -> String,
                               unless wouldBlock: Bool = false) -> WireError? {
        let code = errorNumber()
        if wouldBlock && code == EAGAIN { return nil }
        return .library(code: code, text: errorText(code), operation: operation())
    }

    // MARK: library

    static func version() -> (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }

    static func has(_ capability: String) -> Bool {
        zmq_has(capability) != 0
    }

    // MARK: contexts

    static func newContext() throws(WireError) -> Handle {
        guard let context = zmq_ctx_new() else { throw lastError("zmq_ctx_new") }
        return context
    }

    static func setContextOption(_ context: Handle, _ option: Int32, _ value: Int32) throws(WireError) {
        guard zmq_ctx_set(context, option, value) == 0 else { throw lastError("zmq_ctx_set(\(option))") }
    }

    /// Makes every blocking call on the context's sockets return `ETERM`. Fails only for
    /// a handle that is not a context, which this module never passes.
    static func shutdownContext(_ context: Handle) {
        _ = zmq_ctx_shutdown(context)
    }

    /// Waits until every socket of the context is closed, then frees it.
    static func terminateContext(_ context: Handle) {
        // zmq_ctx_term returns EINTR when a signal interrupts it; it must then be called again.
        while zmq_ctx_term(context) != 0 && errorNumber() == EINTR {}
    }

    // MARK: sockets

    static func newSocket(_ context: Handle, type: Int32) throws(WireError) -> Handle {
        guard let socket = zmq_socket(context, type) else { throw lastError("zmq_socket(\(type))") }
        return socket
    }

    /// Fails only for a handle that is not a socket, which this module never passes.
    static func close(_ socket: Handle) {
        _ = zmq_close(socket)
    }

    static func bind(_ socket: Handle, _ endpoint: String) throws(WireError) {
        guard zmq_bind(socket, endpoint) == 0 else { throw lastError("zmq_bind(\(endpoint))") }
    }

    static func unbind(_ socket: Handle, _ endpoint: String) throws(WireError) {
        guard zmq_unbind(socket, endpoint) == 0 else { throw lastError("zmq_unbind(\(endpoint))") }
    }

    static func connect(_ socket: Handle, _ endpoint: String) throws(WireError) {
        guard zmq_connect(socket, endpoint) == 0 else { throw lastError("zmq_connect(\(endpoint))") }
    }

    static func disconnect(_ socket: Handle, _ endpoint: String) throws(WireError) {
        guard zmq_disconnect(socket, endpoint) == 0 else { throw lastError("zmq_disconnect(\(endpoint))") }
    }

    static func setOption(_ socket: Handle, _ option: Int32, _ value: UnsafeRawBufferPointer,
                          name: String) throws(WireError) {
        guard zmq_setsockopt(socket, option, value.baseAddress, value.count) == 0 else {
            throw lastError("zmq_setsockopt(\(name))")
        }
    }

    /// Reads an option into `buffer`; returns how many bytes libzmq wrote.
    static func option(_ socket: Handle, _ option: Int32, into buffer: UnsafeMutableRawBufferPointer,
                       name: String) throws(WireError) -> Int {
        var size = buffer.count
        guard zmq_getsockopt(socket, option, buffer.baseAddress, &size) == 0 else {
            throw lastError("zmq_getsockopt(\(name))")
        }
        return size
    }

    // MARK: messages

    static let dontWait: Int32 = ZMQ_DONTWAIT
    static let sendMore: Int32 = ZMQ_SNDMORE

    /// Sends one frame (libzmq copies the bytes). False when a non-blocking send would block.
    static func send(_ socket: Handle, _ frame: UnsafeRawBufferPointer, flags: Int32) throws(WireError) -> Bool {
        if zmq_send(socket, frame.baseAddress, frame.count, flags) >= 0 { return true }
        if let error = failed("zmq_send", unless: flags & ZMQ_DONTWAIT != 0) { throw error }
        return false
    }

    /// Receives one frame into `message` (a `zmq_msg_t` from `MessageBuffer`). Nil when a
    /// non-blocking receive finds nothing.
    static func receive(_ socket: Handle, into message: MessageBuffer, flags: Int32) throws(WireError) -> (frame: [UInt8], more: Bool)? {
        let pointer = message.pointer
        if zmq_msg_recv(pointer, socket, flags) < 0 {
            if let error = failed("zmq_msg_recv", unless: flags & ZMQ_DONTWAIT != 0) { throw error }
            return nil
        }
        let size = zmq_msg_size(pointer)
        var frame: [UInt8] = []
        if size > 0, let data = zmq_msg_data(pointer) {
            frame = Array(UnsafeRawBufferPointer(start: data, count: size))
        }
        return (frame, zmq_msg_more(pointer) != 0)
    }

    /// A heap-allocated `zmq_msg_t`. It lives at one address from `zmq_msg_init` to
    /// `zmq_msg_close`: Swift may move a local struct, and a small message's bytes live
    /// inside the struct itself.
    final class MessageBuffer {
        fileprivate let pointer: UnsafeMutablePointer<zmq_msg_t>

        init() {
            pointer = .allocate(capacity: 1)
            // zmq_msg_init cannot fail.
            zmq_msg_init(pointer)
        }

        deinit {
            zmq_msg_close(pointer)
            pointer.deallocate()
        }
    }

    // MARK: polling

    typealias PollItem = zmq_pollitem_t

    static let pollIn: Int16 = Int16(ZMQ_POLLIN)
    static let pollOut: Int16 = Int16(ZMQ_POLLOUT)
    static let pollError: Int16 = Int16(ZMQ_POLLERR)

    static func pollItem(_ socket: Handle, events: Int16) -> PollItem {
        PollItem(socket: socket, fd: 0, events: events, revents: 0)
    }

    /// Waits for events; `timeout` in milliseconds, -1 = forever. Returns how many items
    /// have events; an interrupting signal (`EINTR`) counts as none.
    static func poll(_ items: inout [PollItem], timeout: Int) throws(WireError) -> Int {
        let count = Int32(items.count)
        let result = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, timeout) }
        if result >= 0 { return Int(result) }
        let code = errorNumber()
        if code == EINTR { return 0 }
        throw .library(code: code, text: errorText(code), operation: "zmq_poll")
    }

    // MARK: monitoring

    /// Makes libzmq report `events` (a mask of `ZMQ_EVENT_*`) of `socket` as two-frame
    /// messages on a PAIR socket it binds at `endpoint` (an `inproc://` address).
    static func monitor(_ socket: Handle, endpoint: String, events: Int32) throws(WireError) {
        guard zmq_socket_monitor(socket, endpoint, events) == 0 else {
            throw lastError("zmq_socket_monitor(\(endpoint))")
        }
    }

    // MARK: CURVE

    /// A new CURVE key pair as Z85 text (40 characters each).
    static func curveKeyPair() throws(WireError) -> (publicKey: String, secretKey: String) {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw lastError("zmq_curve_keypair") }
        return (string(fromCString: publicKey), string(fromCString: secretKey))
    }

    /// The Z85 public key of a Z85 secret key.
    static func curvePublicKey(secretKey: String) throws(WireError) -> String {
        var publicKey = [CChar](repeating: 0, count: 41)
        let result = secretKey.withCString { zmq_curve_public(&publicKey, $0) }
        guard result == 0 else { throw lastError("zmq_curve_public") }
        return string(fromCString: publicKey)
    }

    private static func string(fromCString chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
