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
				writeOut(b, off, len);
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
	 * The bytes that may have reached the peer: every write to the stream that returned,
	 * and of one that threw, what an {@link ExactCount} stream says it sent, else all of
	 * it. So a request counts as "nothing written" only when nothing can have gone out,
	 * which is what makes it safe to send again. Bytes still in the buffer are not
	 * counted.
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
			int count = this.count;
			this.count = 0;
			writeOut(this.buffer, 0, count);
		}
	}

	private void writeOut(byte[] b, int off, int len) throws IOException {
		try {
			this.out.write(b, off, len);
		}
		catch (IOException | RuntimeException ex) {
			this.bytesWritten += (this.out instanceof ExactCount exact) ? exact.sentByLastWrite() : len;
			throw ex;
		}
		this.bytesWritten += len;
	}

	/**
	 * A stream that knows how many bytes of a write that threw reached the socket.
	 * Without it, a failed write counts in full.
	 */
	public interface ExactCount {

		/** The bytes of the last write that the socket took, even if it then threw. */
		long sentByLastWrite();

	}

}
