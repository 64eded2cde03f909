package dev.roundtrip.transport.internal.conn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

import dev.roundtrip.transport.internal.http1.Http1Sink;

/**
 * The write side of a plain connection, straight to its blocking channel, counting what
 * the socket took even when a write fails part-way; the socket's own stream cannot tell.
 * That count is what decides whether a failed request was "nothing written" and may be
 * sent again (Go counts {@code persistConn.nwrite} the same way).
 */
final class ChannelOutput extends OutputStream implements Http1Sink.ExactCount {

	private final SocketChannel channel;

	/** Wraps the last array written, which is almost always the sink's own buffer. */
	private ByteBuffer wrapper;

	private long sentByLastWrite;

	/** Bytes the socket has taken; read by the watchdog to tell a stalled write. */
	private volatile long sent;

	ChannelOutput(SocketChannel channel) {
		this.channel = channel;
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		ByteBuffer buffer = this.wrapper;
		if (buffer == null || !buffer.hasArray() || buffer.array() != b) {
			buffer = ByteBuffer.wrap(b);
			this.wrapper = buffer;
		}
		buffer.limit(off + len).position(off);
		this.sentByLastWrite = 0;
		while (buffer.hasRemaining()) {
			// A blocking channel writes at least one byte or throws.
			int n = this.channel.write(buffer);
			this.sentByLastWrite += n;
			this.sent += n;
		}
	}

	long sent() {
		return this.sent;
	}

	@Override
	public long sentByLastWrite() {
		return this.sentByLastWrite;
	}

}
