package dev.roundtrip.transport.internal.http1;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A body delimited by the server closing the connection: everything until the end of the
 * stream. Such a connection is never reused. {@link #close()} does nothing: the exchange
 * owns the connection.
 */
public final class UntilCloseSource extends InputStream {

	private final Http1Source source;

	private boolean complete;

	public UntilCloseSource(Http1Source source) {
		this.source = Objects.requireNonNull(source, "source");
	}

	@Override
	public int read() throws IOException {
		if (this.complete) {
			return -1;
		}
		int b = this.source.read();
		if (b < 0) {
			this.complete = true;
		}
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		if (this.complete) {
			return -1;
		}
		int n = this.source.read(b, off, len);
		if (n < 0) {
			this.complete = true;
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		if (n <= 0 || this.complete) {
			return 0;
		}
		long skipped = this.source.skip(n);
		if (skipped < 0) {
			this.complete = true;
			return 0;
		}
		return skipped;
	}

	@Override
	public int available() {
		return this.complete ? 0 : this.source.buffered();
	}

	/** Whether the end of the stream has been read. */
	public boolean isComplete() {
		return this.complete;
	}

	/** Does nothing: the exchange owns the connection. */
	@Override
	public void close() {
	}

}
