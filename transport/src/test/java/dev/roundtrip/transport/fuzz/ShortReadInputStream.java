package dev.roundtrip.transport.fuzz;

import java.io.InputStream;
import java.util.Objects;

/**
 * Bytes in memory handed out as a socket would: each read returns at most the next size
 * of a schedule (cycled), however much the caller asked for. Counts what it handed out,
 * so a test knows where on the wire the codec stands.
 */
final class ShortReadInputStream extends InputStream {

	private final byte[] bytes;

	private final int[] sizes;

	private int next;

	private int pos;

	/**
	 * @param sizes the most bytes each read returns, in turn, cycled; each at least 1
	 */
	ShortReadInputStream(byte[] bytes, int... sizes) {
		this.bytes = Objects.requireNonNull(bytes, "bytes");
		if (sizes.length == 0) {
			throw new IllegalArgumentException("sizes must not be empty");
		}
		for (int size : sizes) {
			if (size < 1) {
				throw new IllegalArgumentException("sizes must be positive, was " + size);
			}
		}
		this.sizes = sizes;
	}

	/** The bytes handed out so far. */
	int handedOut() {
		return this.pos;
	}

	@Override
	public int read() {
		return (this.pos < this.bytes.length) ? this.bytes[this.pos++] & 0xff : -1;
	}

	@Override
	public int read(byte[] b, int off, int len) {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		if (this.pos == this.bytes.length) {
			return -1;
		}
		int n = Math.min(Math.min(len, this.sizes[this.next]), this.bytes.length - this.pos);
		this.next = (this.next + 1) % this.sizes.length;
		System.arraycopy(this.bytes, this.pos, b, off, n);
		this.pos += n;
		return n;
	}

	/** Like a socket: what has arrived is not known without reading. */
	@Override
	public int available() {
		return 0;
	}

}
