package dev.roundtrip.transport.internal.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.Objects;

import dev.roundtrip.transport.Headers;

/**
 * A chunked body (RFC 9112 §7.1): {@code hex-size [;ext] CRLF data CRLF} repeated, a last
 * chunk of size 0, trailer fields and an empty line. Chunk extensions are ignored;
 * trailers are kept, within {@code maxTrailerBytes}.
 *
 * <p>
 * So that a connection can be reused as soon as possible, a read that returns the last
 * bytes of a chunk also consumes whatever framing follows it and is already buffered: the
 * CRLF, the next size line and, after the last chunk, the trailers and the final empty
 * line. A caller that has read every data byte then usually sees {@link #isComplete()}
 * without another read. {@link #close()} does nothing: the exchange owns the connection.
 */
public final class ChunkedSource extends InputStream {

	/**
	 * The longest chunk-size line accepted, extensions included. Go:
	 * {@code maxLineLength}.
	 */
	static final int MAX_SIZE_LINE_BYTES = 4096;

	private static final int SIZE = 0;

	private static final int DATA = 1;

	private static final int DATA_END = 2;

	private static final int TRAILERS = 3;

	private static final int DONE = 4;

	private final Http1Source source;

	private final long maxTrailerBytes;

	private int state = SIZE;

	private long chunkRemaining;

	private long trailerBytes;

	private FieldLines trailerLines;

	private Headers trailers = Headers.EMPTY;

	/** The first framing error; every later read throws it again. */
	private IOException failure;

	/**
	 * @param source the connection's read side, at the first chunk-size line
	 * @param maxTrailerBytes the most bytes the trailer section may take, its final empty
	 * line included
	 */
	public ChunkedSource(Http1Source source, long maxTrailerBytes) {
		this.source = Objects.requireNonNull(source, "source");
		this.maxTrailerBytes = maxTrailerBytes;
	}

	@Override
	public int read() throws IOException {
		if (!hasData()) {
			return -1;
		}
		int b = this.source.read();
		if (b < 0) {
			throw endedInChunk();
		}
		consumed(1);
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		if (!hasData()) {
			return -1;
		}
		int n = this.source.read(b, off, (int) Math.min(len, this.chunkRemaining));
		if (n < 0) {
			throw endedInChunk();
		}
		consumed(n);
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		if (n <= 0 || !hasData()) {
			return 0;
		}
		long skipped = this.source.skip(Math.min(n, this.chunkRemaining));
		if (skipped < 0) {
			throw endedInChunk();
		}
		consumed(skipped);
		return skipped;
	}

	/**
	 * The data bytes readable without blocking; consumes buffered framing to find them.
	 */
	@Override
	public int available() {
		if (this.failure == null) {
			try {
				advance(false);
			}
			catch (IOException ex) {
				this.failure = ex;
			}
		}
		return (this.failure == null && this.state == DATA)
				? (int) Math.min(this.chunkRemaining, this.source.buffered()) : 0;
	}

	/** Whether the last chunk, the trailers and the final empty line have been read. */
	public boolean isComplete() {
		return this.state == DONE;
	}

	/** The trailer fields; empty until {@link #isComplete()}. */
	public Headers trailers() {
		return this.trailers;
	}

	/** Does nothing: the exchange owns the connection. */
	@Override
	public void close() {
	}

	/**
	 * Reads framing, blocking, until there is chunk data to read; false once the body is
	 * complete.
	 */
	private boolean hasData() throws IOException {
		if (this.failure != null) {
			throw this.failure;
		}
		if (this.state != DATA) {
			try {
				advance(true);
			}
			catch (IOException ex) {
				this.failure = ex;
				throw ex;
			}
		}
		return this.state == DATA;
	}

	/**
	 * Counts data bytes read and, at the end of a chunk, consumes what framing is
	 * buffered. An error there is kept for the next read, so that this one still returns
	 * its data.
	 */
	private void consumed(long n) {
		this.chunkRemaining -= n;
		if (this.chunkRemaining == 0) {
			this.state = DATA_END;
			try {
				advance(false);
			}
			catch (IOException ex) {
				this.failure = ex;
			}
		}
	}

	/**
	 * Reads framing until the next chunk's data or the end of the body; when
	 * {@code mayBlock} is false, stops at the first line not wholly buffered.
	 */
	private void advance(boolean mayBlock) throws IOException {
		while (true) {
			switch (this.state) {
				case DATA, DONE -> {
					return;
				}
				case DATA_END -> {
					if (!readDataEnd(mayBlock)) {
						return;
					}
					this.state = SIZE;
				}
				case SIZE -> {
					int n = this.source.readLine(MAX_SIZE_LINE_BYTES, mayBlock);
					if (n == Http1Source.LINE_NOT_BUFFERED) {
						return;
					}
					if (n == Http1Source.LINE_TOO_LONG) {
						throw new ProtocolException("malformed chunked body: a chunk-size line is longer than "
								+ MAX_SIZE_LINE_BYTES + " bytes");
					}
					if (n < 0) {
						throw new EOFException("chunked response body ended before its last chunk");
					}
					long size = parseChunkSize(this.source.lineArray, this.source.lineStart, this.source.lineEnd);
					if (size == 0) {
						this.state = TRAILERS;
					}
					else {
						this.chunkRemaining = size;
						this.state = DATA;
					}
				}
				case TRAILERS -> {
					int n = this.source.readLine(this.maxTrailerBytes - this.trailerBytes, mayBlock);
					if (n == Http1Source.LINE_NOT_BUFFERED) {
						return;
					}
					if (n == Http1Source.LINE_TOO_LONG) {
						throw new ProtocolException("response trailers exceeded " + this.maxTrailerBytes
								+ " bytes (max-response-header-bytes)");
					}
					if (n < 0) {
						throw new EOFException("chunked response body ended in its trailers");
					}
					this.trailerBytes += n;
					if (this.source.lineStart == this.source.lineEnd) {
						if (this.trailerLines != null) {
							this.trailers = this.trailerLines.toHeaders();
							this.trailerLines = null;
						}
						this.state = DONE;
					}
					else {
						if (this.trailerLines == null) {
							this.trailerLines = new FieldLines();
						}
						ResponseParser.parseField(this.trailerLines, this.source.lineArray, this.source.lineStart,
								this.source.lineEnd, "trailer");
					}
				}
				default -> throw new IllegalStateException("state " + this.state);
			}
		}
	}

	/**
	 * Consumes the CRLF after a chunk's data; false if it is not buffered and must not
	 * block. Exactly CRLF: the bare-LF allowance of RFC 9112 §2.2 covers the start line
	 * and field lines, not chunk data (§7.1), so a chunk size that is one too large reads
	 * the data's own CR as data and then fails here instead of returning a corrupted
	 * body.
	 */
	private boolean readDataEnd(boolean mayBlock) throws IOException {
		if (!mayBlock) {
			int buffered = this.source.buffered();
			if (buffered == 0 || (buffered == 1 && this.source.buffer[this.source.pos] == '\r')) {
				return false;
			}
		}
		int b = this.source.read();
		if (b == '\r') {
			b = this.source.read();
			if (b == '\n') {
				return true;
			}
		}
		if (b < 0) {
			throw new EOFException("chunked response body ended before its last chunk");
		}
		throw new ProtocolException(
				"malformed chunked body: chunk data is not followed by CRLF (found " + Excerpt.describe(b) + ")");
	}

	/** {@code 1*HEXDIG [BWS ";" chunk-ext]}, the extensions ignored. */
	private static long parseChunkSize(byte[] line, int start, int end) throws ProtocolException {
		long size = 0;
		int i = start;
		for (; i < end; i++) {
			int digit = hexDigit(line[i]);
			if (digit < 0) {
				break;
			}
			if (i - start == 16 || (i - start == 15 && size > (Long.MAX_VALUE >>> 4))) {
				throw new ProtocolException(
						"malformed chunked body: chunk size " + Excerpt.of(line, start, end) + " overflows a long");
			}
			size = (size << 4) | digit;
		}
		if (i == start) {
			throw new ProtocolException("malformed chunked body: chunk-size line " + Excerpt.of(line, start, end)
					+ " does not start with a hexadecimal size");
		}
		while (i < end && (line[i] == ' ' || line[i] == '\t')) {
			i++;
		}
		if (i < end && line[i] != ';') {
			throw new ProtocolException("malformed chunked body: chunk-size line " + Excerpt.of(line, start, end)
					+ " has " + Excerpt.describe(line[i] & 0xff) + " after the size");
		}
		return size;
	}

	private EOFException endedInChunk() {
		return new EOFException(
				"chunked response body ended with " + this.chunkRemaining + " bytes of a chunk still to come");
	}

	private static int hexDigit(byte b) {
		if (b >= '0' && b <= '9') {
			return b - '0';
		}
		if (b >= 'a' && b <= 'f') {
			return b - 'a' + 10;
		}
		if (b >= 'A' && b <= 'F') {
			return b - 'A' + 10;
		}
		return -1;
	}

}
