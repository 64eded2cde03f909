package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The write side of one connection: a buffer over its output stream, kept for the
 * connection's whole life. Not thread-safe: owned by whoever is writing the request.
 */
public final class Http1Sink {

	private final OutputStream out;

	private final byte[] buffer;

	private int count;

	private long bytesWritten;

	public Http1Sink(OutputStream out, int bufferSize) {
		this.out = Objects.requireNonNull(out, "out");
		if (bufferSize < 1) {
			throw new IllegalArgumentException("bufferSize must be positive, was " + bufferSize);
		}
		this.buffer = new byte[bufferSize];
	}

	public void write(int b) throws IOException {
		if (this.count == this.buffer.length) {
			flushBuffer();
		}
		this.buffer[this.count++] = (byte) b;
	}

	/**
	 * Writes {@code len} bytes; ones that would not fit the buffer go straight to the
	 * stream after it.
	 */
	public void write(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len > this.buffer.length - this.count) {
			flushBuffer();
			if (len >= this.buffer.length) {
				this.out.write(b, off, len);
				this.bytesWritten += len;
				return;
			}
		}
		System.arraycopy(b, off, this.buffer, this.count, len);
		this.count += len;
	}

	/**
	 * Writes each char of {@code s} as one byte; the caller has checked that none is
	 * above U+00FF.
	 */
	public void writeLatin1(String s) throws IOException {
		int length = s.length();
		int i = 0;
		while (i < length) {
			if (this.count == this.buffer.length) {
				flushBuffer();
			}
			int stop = Math.min(length, i + this.buffer.length - this.count);
			byte[] buffer = this.buffer;
			int count = this.count;
			while (i < stop) {
				buffer[count++] = (byte) s.charAt(i++);
			}
			this.count = count;
		}
	}

	/** Writes the buffer to the stream and flushes the stream. */
	public void flush() throws IOException {
		flushBuffer();
		this.out.flush();
	}

	/**
	 * The bytes handed to the stream so far, counted once each write to it has returned;
	 * bytes still in the buffer, and those of a write that threw, are not counted.
	 */
	public long bytesWritten() {
		return this.bytesWritten;
	}

	/** The bytes written into the buffer but not yet to the stream. */
	public int buffered() {
		return this.count;
	}

	private void flushBuffer() throws IOException {
		if (this.count > 0) {
			this.out.write(this.buffer, 0, this.count);
			this.bytesWritten += this.count;
			this.count = 0;
		}
	}

}
