package dev.roundtrip.transport.internal.http1;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An input stream that hands out its bytes as scripted: each read returns at most the
 * rest of the current segment, like a socket returning what has arrived. After the last
 * segment it reports the end of the stream or, if told to, fails as a blocking read would
 * hang.
 */
final class ScriptedInputStream extends InputStream {

	private final Deque<byte[]> segments = new ArrayDeque<>();

	private byte[] current = new byte[0];

	private int pos;

	private boolean blockAtEnd;

	private int reads;

	private ScriptedInputStream() {
	}

	/**
	 * Each read returns at most one of {@code segments}, in order; then the end of the
	 * stream.
	 */
	static ScriptedInputStream of(String... segments) {
		ScriptedInputStream in = new ScriptedInputStream();
		for (String segment : segments) {
			in.segments.add(segment.getBytes(StandardCharsets.ISO_8859_1));
		}
		return in;
	}

	/** Each read returns one byte of {@code text}; then the end of the stream. */
	static ScriptedInputStream oneByteAtATime(String text) {
		ScriptedInputStream in = new ScriptedInputStream();
		for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
			in.segments.add(new byte[] { b });
		}
		return in;
	}

	/**
	 * After the last segment, a read fails instead of reporting the end of the stream.
	 */
	ScriptedInputStream thenBlock() {
		this.blockAtEnd = true;
		return this;
	}

	/** The reads made that returned bytes or the end of the stream. */
	int reads() {
		return this.reads;
	}

	@Override
	public int read() {
		byte[] one = new byte[1];
		return (read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
	}

	@Override
	public int read(byte[] b, int off, int len) {
		if (len == 0) {
			return 0;
		}
		while (this.pos == this.current.length) {
			if (this.segments.isEmpty()) {
				if (this.blockAtEnd) {
					throw new AssertionError("read would block: the script has no more bytes");
				}
				this.reads++;
				return -1;
			}
			this.current = this.segments.poll();
			this.pos = 0;
		}
		int n = Math.min(len, this.current.length - this.pos);
		System.arraycopy(this.current, this.pos, b, off, n);
		this.pos += n;
		this.reads++;
		return n;
	}

}
