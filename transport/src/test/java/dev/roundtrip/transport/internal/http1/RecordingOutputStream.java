package dev.roundtrip.transport.internal.http1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that keeps what it was given and counts the calls; it can be told to
 * fail.
 */
final class RecordingOutputStream extends OutputStream {

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private int writes;

	private int flushes;

	private boolean failing;

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		if (this.failing) {
			throw new IOException("Broken pipe");
		}
		this.bytes.write(b, off, len);
		this.writes++;
	}

	@Override
	public void flush() {
		this.flushes++;
	}

	/** Every later write fails as a broken connection would. */
	void fail() {
		this.failing = true;
	}

	String text() {
		return this.bytes.toString(StandardCharsets.ISO_8859_1);
	}

	int writes() {
		return this.writes;
	}

	int flushes() {
		return this.flushes;
	}

}
