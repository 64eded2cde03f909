package dev.roundtrip.transport;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP response: status, headers and a body to be read.
 *
 * <p>
 * The connection it arrived on is busy until the body is read to its end or
 * {@linkplain #close() closed}. Reading to the end returns it to the pool (closing
 * afterwards is harmless); closing early lets the transport drain a small remainder to
 * keep the connection, or close it. A response that is dropped without either holds its
 * connection until leak detection finds it.
 */
public final class Response implements Closeable {

	private final Request request;

	private final int status;

	private final String reason;

	private final String protocol;

	private final Headers headers;

	private final InputStream body;

	/**
	 * A response. The transport makes these; applications need this only to stand in for
	 * a transport in tests.
	 */
	public Response(Request request, String protocol, int status, @Nullable String reason, Headers headers,
			InputStream body) {
		this.request = Objects.requireNonNull(request, "request");
		this.protocol = Objects.requireNonNull(protocol, "protocol");
		this.status = status;
		this.reason = (reason != null) ? reason : "";
		this.headers = Objects.requireNonNull(headers, "headers");
		this.body = Objects.requireNonNull(body, "body");
	}

	/**
	 * The request this answers: after a redirect or retry, the one actually sent last.
	 */
	public Request request() {
		return this.request;
	}

	/** {@code HTTP/1.1} or {@code HTTP/1.0}. */
	public String protocol() {
		return this.protocol;
	}

	/** The status code, such as 200. */
	public int status() {
		return this.status;
	}

	/** The reason phrase as the server sent it; may be empty. */
	public String reason() {
		return this.reason;
	}

	public Headers headers() {
		return this.headers;
	}

	/**
	 * The body. Empty for responses that have none (HEAD, 204, 304). When the transport
	 * decoded gzip, this is the decoded stream and the headers no longer carry
	 * {@code Content-Encoding} or {@code Content-Length}.
	 */
	public InputStream body() {
		return this.body;
	}

	/** Closes the body, releasing the connection. Idempotent. */
	@Override
	public void close() throws IOException {
		this.body.close();
	}

	@Override
	public String toString() {
		return this.protocol + " " + this.status + ((this.reason.isEmpty()) ? "" : " " + this.reason) + " for "
				+ this.request;
	}

}
