package dev.roundtrip.transport.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.internal.http1.ChunkedSink;
import dev.roundtrip.transport.internal.http1.FixedLengthSink;
import dev.roundtrip.transport.internal.http1.Http1Sink;

/**
 * The stream a {@link Request.Body} writes into: framed by its {@code Content-Length}, or
 * chunked when its length is unknown. It tells the body's own failures (it threw, or
 * wrote more or fewer bytes than it announced) from the connection's, because only the
 * connection's may be retried or answered early by the server: the former come out as
 * {@link BodyFailure}.
 */
final class BodyWriter extends OutputStream {

	private final OutputStream framed;

	private final long length;

	private long written;

	/**
	 * The connection's write failure, if one happened: then what the body throws is the
	 * connection's failure.
	 */
	private IOException connectionFailure;

	private BodyWriter(Http1Sink sink, long length) {
		this.length = length;
		this.framed = (length >= 0) ? new FixedLengthSink(sink, length) : new ChunkedSink(sink);
	}

	/**
	 * Writes {@code body} to {@code sink}, framing included (the last chunk for chunked),
	 * without flushing.
	 * @throws BodyFailure if the body failed or broke its length
	 * @throws IOException if writing to the connection failed
	 */
	static void write(Http1Sink sink, Request.Body body) throws IOException {
		BodyWriter out = new BodyWriter(sink, body.contentLength());
		try {
			body.writeTo(out);
		}
		catch (BodyFailure ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			if (out.connectionFailure != null && ex instanceof IOException io) {
				throw io;
			}
			throw new BodyFailure("Request body failed: " + ex, ex);
		}
		if (out.connectionFailure != null) {
			// The body caught the failure and went on; the connection is still broken.
			throw out.connectionFailure;
		}
		if (out.length >= 0 && out.written != out.length) {
			throw new BodyFailure(
					"Request body wrote " + out.written + " bytes but its contentLength() is " + out.length, null);
		}
		// Writes the last chunk; a fixed-length body is complete already.
		out.framed.close();
	}

	@Override
	public void write(int b) throws IOException {
		checkLength(1);
		try {
			this.framed.write(b);
		}
		catch (IOException ex) {
			this.connectionFailure = ex;
			throw ex;
		}
		this.written++;
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		checkLength(len);
		try {
			this.framed.write(b, off, len);
		}
		catch (IOException ex) {
			this.connectionFailure = ex;
			throw ex;
		}
		this.written += len;
	}

	/** Sends what the body wrote so far (Go flushes a body's chunks as they come). */
	@Override
	public void flush() throws IOException {
		try {
			this.framed.flush();
		}
		catch (IOException ex) {
			this.connectionFailure = ex;
			throw ex;
		}
	}

	/** Does nothing: the transport ends the body once {@code writeTo} returns. */
	@Override
	public void close() {
	}

	private void checkLength(int len) throws BodyFailure {
		if (this.length >= 0 && len > this.length - this.written) {
			throw new BodyFailure("Request body is longer than its contentLength() of " + this.length + " bytes", null);
		}
	}

	/** The request body itself failed; the connection is not to blame. */
	static final class BodyFailure extends IOException {

		private static final long serialVersionUID = 1L;

		BodyFailure(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
