package dev.roundtrip.benchmarks.jmh;

import java.io.InputStream;

/**
 * The same bytes over and over, as a connection that carries the same response again and
 * again; reads return at most {@code maxRead} bytes, as a socket read might.
 */
final class RepeatingInputStream extends InputStream {

	private final byte[] bytes;

	private final int maxRead;

	private int position;

	RepeatingInputStream(byte[] bytes, int maxRead) {
		this.bytes = bytes;
		this.maxRead = maxRead;
	}

	@Override
	public int read() {
		int b = this.bytes[this.position] & 0xff;
		this.position = (this.position + 1) % this.bytes.length;
		return b;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) {
		int n = Math.min(Math.min(length, this.maxRead), this.bytes.length - this.position);
		System.arraycopy(this.bytes, this.position, buffer, offset, n);
		this.position = (this.position + n) % this.bytes.length;
		return n;
	}

}
