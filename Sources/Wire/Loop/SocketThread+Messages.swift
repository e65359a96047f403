extension SocketThread {
    /// Encodes `message` on the calling thread and queues it on `socket` (a DEALER's).
    /// False when the thread has stopped.
    @discardableResult
    public func send(_ message: WireMessage, on socket: SocketID,
                     limits: MessageLimits = MessageLimits()) throws(EncodeError) -> Bool {
        send(try message.frames(limits: limits), on: socket)
    }

    /// Encodes `message` on the calling thread and queues it for `peer` on the ROUTER `socket`.
    /// False when the thread has stopped.
    @discardableResult
    public func send(_ message: WireMessage, to peer: PeerID, on socket: SocketID,
                     limits: MessageLimits = MessageLimits()) throws(EncodeError) -> Bool {
        send(try message.frames(to: peer, limits: limits), on: socket)
    }
}
