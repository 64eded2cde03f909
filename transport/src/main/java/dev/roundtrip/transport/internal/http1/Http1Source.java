package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The read side of one connection: a buffer over its input stream, kept for the
 * connection's whole life so that reading a response allocates nothing. The response
 * parser and the body streams read lines and bytes straight from it. Not thread-safe:
 * owned by whoever is reading the connection.
 */
public final class Http1Source {

	/** {@link #readLine} found the end of the stream before any byte of the line. */
	static final int LINE_EOF = -1;

	/**
	 * {@link #readLine} found the end of the stream in the middle of a line; see
	 * {@link #partialLine}.
	 */
	static final int LINE_TRUNCATED = -2;

	/** {@link #readLine} saw more bytes than allowed without a line end. */
	static final int LINE_TOO_LONG = -3;

	/** {@link #readLine} was told not to block and the line is not all buffered. */
	static final int LINE_NOT_BUFFERED = -4;

	/**
	 * Lines longer than the buffer go through a scratch array; one up to this size is
	 * kept for the next.
	 */
	private static final int MAX_KEPT_SPILL = 16 * 1024;

	private final InputStream in;

	final byte[] buffer;

	/** The next byte to read in {@link #buffer}. */
	int pos;

	/** One past the last buffered byte in {@link #buffer}. */
	int limit;

	/**
	 * The array holding the line that {@link #readLine} last returned: {@link #buffer} or
	 * a spill array.
	 */
	byte[] lineArray;

	/** Where that line starts in {@link #lineArray}. */
	int lineStart;

	/** Where that line ends in {@link #lineArray}, without its CRLF or LF. */
	int lineEnd;

	/** The bytes of the line that the stream ended in, after {@link #LINE_TRUNCATED}. */
	long partialLine;

	/** Reused by the response parser for each head's field lines. */
	final FieldLines fieldLines = new FieldLines();

	private byte[] spill;

	/** Every byte read from the stream over the connection's life. */
	private long bytesReceived;

	public Http1Source(InputStream in, int bufferSize) {
		this.in = Objects.requireNonNull(in, "in");
		if (bufferSize < 1) {
			throw new IllegalArgumentException("bufferSize must be positive, was " + bufferSize);
		}
		this.buffer = new byte[bufferSize];
	}

	/**
	 * The bytes read from the stream so far, buffered or not: whether any byte of a
	 * response has arrived decides whether a failed request may be retried.
	 */
	public long bytesReceived() {
		return this.bytesReceived;
	}

	/** The number of bytes already buffered: readable without touching the stream. */
	public int buffered() {
		return this.limit - this.pos;
	}

	/**
	 * Reads up to {@code len} bytes: from the buffer if it holds any, else with at most
	 * one read of the stream (straight into {@code b} when {@code len} is at least the
	 * buffer's size).
	 * @return the number of bytes read, or -1 at the end of the stream
	 */
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		if (this.pos == this.limit) {
			if (len >= this.buffer.length) {
				int n = this.in.read(b, off, len);
				if (n > 0) {
					this.bytesReceived += n;
				}
				return n;
			}
			if (fill() < 0) {
				return -1;
			}
		}
		int n = Math.min(len, this.limit - this.pos);
		System.arraycopy(this.buffer, this.pos, b, off, n);
		this.pos += n;
		return n;
	}

	/** Reads one byte, or returns -1 at the end of the stream. */
	public int read() throws IOException {
		if (this.pos == this.limit && fill() < 0) {
			return -1;
		}
		return this.buffer[this.pos++] & 0xff;
	}

	/**
	 * Discards up to {@code n} bytes: buffered ones if there are any, else after at most
	 * one read of the stream into the buffer.
	 * @return the number of bytes discarded, or -1 at the end of the stream
	 */
	public long skip(long n) throws IOException {
		if (n <= 0) {
			return 0;
		}
		if (this.pos == this.limit && fill() < 0) {
			return -1;
		}
		int skipped = (int) Math.min(n, this.limit - this.pos);
		this.pos += skipped;
		return skipped;
	}

	/**
	 * Waits for input without consuming it: when nothing is buffered, reads the stream
	 * once into the buffer. For a wait with its own timeout (Expect: 100-continue) after
	 * which a parser reads as usual.
	 * @return the number of bytes now buffered, or -1 at the end of the stream
	 */
	public int awaitInput() throws IOException {
		if (this.pos < this.limit) {
			return this.limit - this.pos;
		}
		return fill();
	}

	/**
	 * Empties the buffer and reads the stream once into it; the count read, or -1 at its
	 * end.
	 */
	private int fill() throws IOException {
		this.pos = 0;
		this.limit = 0;
		int n;
		do {
			n = this.in.read(this.buffer, 0, this.buffer.length);
		}
		while (n == 0);
		if (n > 0) {
			this.limit = n;
			this.bytesReceived += n;
		}
		return n;
	}

	/**
	 * Reads through the next LF. On success the line, without its LF and without a CR
	 * right before it, is {@code lineArray[lineStart, lineEnd)}, valid until the next
	 * call.
	 * @param maxBytes the most bytes the line may take, its line end included
	 * @param mayBlock whether to read the stream; if not, only a line that is wholly
	 * buffered is read, else {@link #LINE_NOT_BUFFERED} is returned and nothing is
	 * consumed
	 * @return the bytes the line took, its line end included, or one of the negative
	 * {@code LINE_} codes
	 */
	int readLine(long maxBytes, boolean mayBlock) throws IOException {
		byte[] spilled = null;
		int spilledLength = 0;
		int scan = this.pos;
		while (true) {
			int lf = indexOfLf(scan);
			if (lf >= 0) {
				long total = spilledLength + (lf + 1L - this.pos);
				if (total > maxBytes) {
					return LINE_TOO_LONG;
				}
				if (spilled == null) {
					this.lineArray = this.buffer;
					this.lineStart = this.pos;
					this.lineEnd = lf;
				}
				else {
					spilled = append(spilled, spilledLength, this.buffer, this.pos, lf - this.pos);
					this.lineArray = spilled;
					this.lineStart = 0;
					this.lineEnd = spilledLength + (lf - this.pos);
				}
				this.pos = lf + 1;
				if (this.lineEnd > this.lineStart && this.lineArray[this.lineEnd - 1] == '\r') {
					this.lineEnd--;
				}
				return (int) total;
			}
			long seen = spilledLength + (long) (this.limit - this.pos);
			if (seen >= maxBytes) {
				return LINE_TOO_LONG;
			}
			if (!mayBlock) {
				return LINE_NOT_BUFFERED;
			}
			if (this.pos == this.limit) {
				this.pos = 0;
				this.limit = 0;
			}
			else if (this.limit == this.buffer.length) {
				if (this.pos > 0) {
					System.arraycopy(this.buffer, this.pos, this.buffer, 0, this.limit - this.pos);
					this.limit -= this.pos;
					this.pos = 0;
				}
				else {
					// The buffer holds nothing but this line so far: move it aside to
					// make room.
					spilled = append((spilled != null) ? spilled : this.spill, spilledLength, this.buffer, 0,
							this.limit);
					spilledLength += this.limit;
					if (spilled.length <= MAX_KEPT_SPILL) {
						this.spill = spilled;
					}
					this.pos = 0;
					this.limit = 0;
				}
			}
			scan = this.limit;
			int n = this.in.read(this.buffer, this.limit, this.buffer.length - this.limit);
			if (n < 0) {
				this.partialLine = seen;
				return (seen == 0) ? LINE_EOF : LINE_TRUNCATED;
			}
			this.limit += n;
			this.bytesReceived += n;
		}
	}

	private int indexOfLf(int from) {
		byte[] buffer = this.buffer;
		for (int i = from, limit = this.limit; i < limit; i++) {
			if (buffer[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

	/**
	 * {@code target[0, length)} followed by {@code bytes[start, start + count)}, growing
	 * {@code target} if needed.
	 */
	private static byte[] append(byte[] target, int length, byte[] bytes, int start, int count) {
		if (target == null || target.length < length + count) {
			byte[] grown = new byte[Math.max(length + count, (target != null) ? target.length * 2 : 256)];
			if (target != null) {
				System.arraycopy(target, 0, grown, 0, length);
			}
			target = grown;
		}
		System.arraycopy(bytes, start, target, length, count);
		return target;
	}

}
