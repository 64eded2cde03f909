package dev.roundtrip.transport.internal.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A body of exactly {@code Content-Length} bytes. Ending early is an error, never a
 * silently short body. {@link #close()} does nothing: the exchange owns the connection
 * and decides whether to drain or close it.
 */
public final class FixedLengthSource extends InputStream {

	private final Http1Source source;

	private final long length;

	private long remaining;

	public FixedLengthSource(Http1Source source, long length) {
		if (length < 0) {
			throw new IllegalArgumentException("length must not be negative, was " + length);
		}
		this.source = Objects.requireNonNull(source, "source");
		this.length = length;
		this.remaining = length;
	}

	@Override
	public int read() throws IOException {
		if (this.remaining == 0) {
			return -1;
		}
		int b = this.source.read();
		if (b < 0) {
			throw prematureEnd();
		}
		this.remaining--;
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		if (this.remaining == 0) {
			return -1;
		}
		int n = this.source.read(b, off, (int) Math.min(len, this.remaining));
		if (n < 0) {
			throw prematureEnd();
		}
		this.remaining -= n;
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		if (n <= 0 || this.remaining == 0) {
			return 0;
		}
		long skipped = this.source.skip(Math.min(n, this.remaining));
		if (skipped < 0) {
			throw prematureEnd();
		}
		this.remaining -= skipped;
		return skipped;
	}

	/**
	 * The bytes readable without blocking: what is left of the body and already buffered.
	 */
	@Override
	public int available() {
		return (int) Math.min(this.remaining, this.source.buffered());
	}

	/** The bytes of the body not read yet. */
	public long remaining() {
		return this.remaining;
	}

	/** Whether the whole body has been read. */
	public boolean isComplete() {
		return this.remaining == 0;
	}

	/** Does nothing: the exchange owns the connection. */
	@Override
	public void close() {
	}

	private EOFException prematureEnd() {
		return new EOFException("response body ended after " + (this.length - this.remaining) + " of " + this.length
				+ " bytes (Content-Length)");
	}

}
