package dev.roundtrip.transport.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

import dev.roundtrip.transport.Request;

/**
 * A request body of 1 GiB of known length, written in 64 KiB pieces: far more than socket
 * buffers hold, so a server that does not read it leaves the writer blocked.
 */
public final class EndlessBody implements Request.Body {

	/** Bytes handed to the transport so far. */
	public final AtomicLong written = new AtomicLong();

	private final long length = 1L << 30;

	@Override
	public long contentLength() {
		return this.length;
	}

	@Override
	public void writeTo(OutputStream out) throws IOException {
		byte[] piece = new byte[64 * 1024];
		while (this.written.get() < this.length) {
			int n = (int) Math.min(piece.length, this.length - this.written.get());
			out.write(piece, 0, n);
			this.written.addAndGet(n);
		}
	}

}
