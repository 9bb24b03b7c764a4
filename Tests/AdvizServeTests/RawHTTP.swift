import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to a live server on 127.0.0.1 that sends bytes exactly as given and reads
/// what comes back: for requests no HTTP client would send (a 1 MB address, a head sent in
/// pieces, a socket closed mid-request). Every read waits at most `timeout` seconds.
final class RawConnection {
    private let socket: Int32
    private(set) var isOpen = true

    init(port: Int, timeout: Int = 20) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawFailure(description: "no socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw RawFailure(description: "cannot connect to port \(port)")
        }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { if isOpen { Glibc.close(socket) } }

    /// Sends `text`; false if the server closed the connection first (it may answer before reading it all).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// Everything the server sends until it closes the connection (or the read times out).
    func readToEnd() -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether the server closed the connection (a read ends with no bytes, not by its timeout).
    func serverClosed() -> (closed: Bool, text: String) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (true, String(decoding: data, as: UTF8.self)) }
            if n < 0 { return (errno == ECONNRESET, String(decoding: data, as: UTF8.self)) }
            data += buffer[0..<n]
        }
    }

    /// Closes this side.
    func close() {
        if isOpen { Glibc.close(socket) }
        isOpen = false
    }

    struct RawFailure: Error, CustomStringConvertible { var description: String }
}

/// The status code of an HTTP answer's first line (0 if there is none).
func statusCode(_ answer: String) -> Int {
    let parts = answer.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return 0 }
    return Int(parts[1]) ?? 0
}
