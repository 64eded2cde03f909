package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A request body of exactly its {@code Content-Length}: a write that would exceed it
 * fails before any of its bytes are written, and {@link #close()} fails if fewer were
 * written, since either would desynchronize the connection. Closing neither flushes nor
 * closes the connection's sink.
 */
public final class FixedLengthSink extends OutputStream {

	private final Http1Sink sink;

	private final long length;

	private long remaining;

	private boolean closed;

	public FixedLengthSink(Http1Sink sink, long length) {
		if (length < 0) {
			throw new IllegalArgumentException("length must not be negative, was " + length);
		}
		this.sink = Objects.requireNonNull(sink, "sink");
		this.length = length;
		this.remaining = length;
	}

	@Override
	public void write(int b) throws IOException {
		checkWrite(1);
		this.sink.write(b);
		this.remaining--;
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		checkWrite(len);
		this.sink.write(b, off, len);
		this.remaining -= len;
	}

	/** Flushes the connection's sink. */
	@Override
	public void flush() throws IOException {
		this.sink.flush();
	}

	/** Checks that the whole length was written. */
	@Override
	public void close() throws IOException {
		this.closed = true;
		if (this.remaining != 0) {
			throw new IOException("request body wrote " + (this.length - this.remaining) + " of its Content-Length of "
					+ this.length + " bytes");
		}
	}

	/** The bytes still to be written. */
	public long remaining() {
		return this.remaining;
	}

	private void checkWrite(int len) throws IOException {
		if (this.closed) {
			throw new IOException("request body stream is closed");
		}
		if (len > this.remaining) {
			throw new IOException("request body is longer than its Content-Length of " + this.length + " bytes");
		}
	}

}
