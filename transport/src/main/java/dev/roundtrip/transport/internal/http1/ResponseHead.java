package dev.roundtrip.transport.internal.http1;

import java.util.Objects;

import dev.roundtrip.transport.Headers;

/**
 * A parsed response head: status line and header fields. Immutable.
 */
public final class ResponseHead {

	private final int versionMinor;

	private final int status;

	private final String reason;

	private final Headers headers;

	private final int headBytes;

	/**
	 * @param versionMinor 1 for HTTP/1.1, 0 for HTTP/1.0
	 * @param status the three-digit status code, 100 to 999
	 * @param reason the reason phrase, empty when the server sent none
	 * @param headers the header fields
	 * @param headBytes the bytes this head took on the wire: status line, field lines and
	 * the empty line that ends them
	 */
	public ResponseHead(int versionMinor, int status, String reason, Headers headers, int headBytes) {
		if (versionMinor != 0 && versionMinor != 1) {
			throw new IllegalArgumentException("versionMinor must be 0 or 1, was " + versionMinor);
		}
		if (status < 100 || status > 999) {
			throw new IllegalArgumentException("status must be three digits, was " + status);
		}
		this.versionMinor = versionMinor;
		this.status = status;
		this.reason = Objects.requireNonNull(reason, "reason");
		this.headers = Objects.requireNonNull(headers, "headers");
		this.headBytes = headBytes;
	}

	/** 1 for HTTP/1.1, 0 for HTTP/1.0. */
	public int versionMinor() {
		return this.versionMinor;
	}

	/** {@code "HTTP/1.1"} or {@code "HTTP/1.0"}. */
	public String protocol() {
		return (this.versionMinor == 1) ? "HTTP/1.1" : "HTTP/1.0";
	}

	public int status() {
		return this.status;
	}

	/** The reason phrase; empty when the server sent none. */
	public String reason() {
		return this.reason;
	}

	public Headers headers() {
		return this.headers;
	}

	/**
	 * The bytes this head took on the wire: status line, field lines and the final empty
	 * line.
	 */
	public int headBytes() {
		return this.headBytes;
	}

	@Override
	public String toString() {
		return protocol() + " " + this.status + (this.reason.isEmpty() ? "" : " " + this.reason);
	}

}
