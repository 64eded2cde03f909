package dev.roundtrip.transport.internal;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip-encoded body, decoded lazily: nothing is read until the caller reads, so closing
 * it unread costs no inflation. A truncated or corrupt stream is an error naming the
 * encoding, never a short body. Go: {@code gzipReader}.
 */
final class GzipBody extends FilterInputStream {

	private final InputStream encoded;

	private GZIPInputStream decoded;

	private boolean finished;

	/** For single-byte reads, which should not allocate. */
	private final byte[] one = new byte[1];

	GzipBody(InputStream encoded) {
		super(encoded);
		this.encoded = encoded;
	}

	private GZIPInputStream decoded() throws IOException {
		if (this.decoded == null) {
			try {
				this.decoded = new GZIPInputStream(this.encoded, 8192);
			}
			catch (EOFException ex) {
				throw withCause(new EOFException("gzip response body ended before its header was complete"), ex);
			}
			catch (ZipException ex) {
				throw withCause(new ZipException("response body is not valid gzip: " + ex.getMessage()), ex);
			}
		}
		return this.decoded;
	}

	@Override
	public int read() throws IOException {
		int n = read(this.one, 0, 1);
		return (n == 1) ? this.one[0] & 0xff : -1;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		if (this.finished) {
			return -1;
		}
		int n;
		try {
			n = decoded().read(b, off, len);
		}
		catch (EOFException ex) {
			throw withCause(new EOFException("gzip response body is truncated: " + ex.getMessage()), ex);
		}
		catch (ZipException ex) {
			throw withCause(new ZipException("response body is not valid gzip: " + ex.getMessage()), ex);
		}
		if (n == -1) {
			this.finished = true;
			// GZIPInputStream may stop at the gzip trailer without reading the framing's
			// end: read it now
			// so the connection goes back to the pool.
			if (this.encoded.read() != -1) {
				throw new IOException("response body has bytes after the end of its gzip stream");
			}
		}
		return n;
	}

	private static <T extends IOException> T withCause(T failure, IOException cause) {
		failure.initCause(cause);
		return failure;
	}

	@Override
	public long skip(long n) throws IOException {
		return decoded().skip(n);
	}

	@Override
	public int available() throws IOException {
		return (this.finished || this.decoded == null) ? 0 : this.decoded.available();
	}

	@Override
	public void close() throws IOException {
		this.encoded.close();
	}

	@Override
	public boolean markSupported() {
		return false;
	}

}
