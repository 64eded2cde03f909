package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A chunked request body (RFC 9112 §7.1), for bodies of unknown length. Each write
 * becomes a chunk, except that small writes are gathered in a small buffer first, so a
 * loop of single-byte writes does not send one chunk per byte. {@link #close()} writes
 * the last chunk but neither flushes nor closes the connection's sink.
 */
public final class ChunkedSink extends OutputStream {

	/** Writes smaller than this are gathered into one chunk. */
	static final int GATHER_BYTES = 1024;

	private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] LAST_CHUNK = { '0', '\r', '\n', '\r', '\n' };

	private final Http1Sink sink;

	/** Gathered bytes not yet sent as a chunk; allocated on the first small write. */
	private byte[] pending;

	private int pendingCount;

	private boolean closed;

	public ChunkedSink(Http1Sink sink) {
		this.sink = Objects.requireNonNull(sink, "sink");
	}

	@Override
	public void write(int b) throws IOException {
		checkOpen();
		if (this.pending == null) {
			this.pending = new byte[GATHER_BYTES];
		}
		else if (this.pendingCount == this.pending.length) {
			writePending();
		}
		this.pending[this.pendingCount++] = (byte) b;
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		checkOpen();
		if (len == 0) {
			return;
		}
		if (len >= GATHER_BYTES) {
			writePending();
			writeChunk(b, off, len);
			return;
		}
		if (this.pending == null) {
			this.pending = new byte[GATHER_BYTES];
		}
		else if (len > this.pending.length - this.pendingCount) {
			writePending();
		}
		System.arraycopy(b, off, this.pending, this.pendingCount, len);
		this.pendingCount += len;
	}

	/** Sends gathered bytes as a chunk and flushes the connection's sink. */
	@Override
	public void flush() throws IOException {
		if (!this.closed) {
			writePending();
		}
		this.sink.flush();
	}

	/**
	 * Sends gathered bytes and the last chunk, {@code 0 CRLF CRLF}; later calls do
	 * nothing.
	 */
	@Override
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		writePending();
		this.sink.write(LAST_CHUNK, 0, LAST_CHUNK.length);
	}

	private void writePending() throws IOException {
		if (this.pendingCount > 0) {
			writeChunk(this.pending, 0, this.pendingCount);
			this.pendingCount = 0;
		}
	}

	private void writeChunk(byte[] b, int off, int len) throws IOException {
		for (int shift = (31 - Integer.numberOfLeadingZeros(len)) & ~3; shift >= 0; shift -= 4) {
			this.sink.write(HEX[(len >>> shift) & 0xf]);
		}
		this.sink.write('\r');
		this.sink.write('\n');
		this.sink.write(b, off, len);
		this.sink.write('\r');
		this.sink.write('\n');
	}

	private void checkOpen() throws IOException {
		if (this.closed) {
			throw new IOException("request body stream is closed");
		}
	}

}
