package dev.roundtrip.transport.internal.http1;

import java.net.ProtocolException;

import dev.roundtrip.transport.Headers;

/**
 * How a response body is delimited, and whether the connection must be closed after it.
 * Go: {@code readTransfer}, {@code parseTransferEncoding} and {@code fixLength} in
 * {@code transfer.go}.
 *
 * <ul>
 * <li>No body for a response to HEAD (its {@code Content-Length} is only a header), for
 * 1xx, 204 and 304, and for a 2xx to CONNECT (a tunnel follows).
 * <li>{@code Transfer-Encoding} (ignored on HTTP/1.0, as Go does) must be exactly
 * {@code chunked}, once: other codings would reach the caller still encoded. With it
 * {@code Content-Length} is ignored, and its presence closes the connection afterwards, a
 * guard against request smuggling; on HTTP/1.0 its mere presence does (RFC 9112 §6.1).
 * <li>{@code Content-Length}: identical values (several lines or a comma list) collapse
 * to one; differing ones, a sign, any non-digit, an empty value or one overflowing a
 * {@code long} are errors.
 * <li>Neither: the body runs until the server closes the connection.
 * </ul>
 *
 * The connection must also be closed when the response says {@code Connection: close}, or
 * is HTTP/1.0 without {@code Connection: keep-alive}. Malformed framing headers are
 * errors even on responses without a body, since they show the peer cannot be trusted to
 * frame the next one.
 */
public final class BodyFraming {

	/** How the body ends. */
	public enum Kind {

		/** There is no body. */
		NONE,

		/**
		 * The body is {@link #length()} bytes ({@code Content-Length}); 0 is complete at
		 * once.
		 */
		FIXED,

		/** The body is chunked; read it with {@link ChunkedSource}. */
		CHUNKED,

		/** The body ends when the server closes the connection. */
		UNTIL_CLOSE

	}

	private static final BodyFraming NONE_KEEP = new BodyFraming(Kind.NONE, -1, false);

	private static final BodyFraming NONE_CLOSE = new BodyFraming(Kind.NONE, -1, true);

	private static final BodyFraming EMPTY_KEEP = new BodyFraming(Kind.FIXED, 0, false);

	private static final BodyFraming EMPTY_CLOSE = new BodyFraming(Kind.FIXED, 0, true);

	private static final BodyFraming CHUNKED_KEEP = new BodyFraming(Kind.CHUNKED, -1, false);

	private static final BodyFraming CHUNKED_CLOSE = new BodyFraming(Kind.CHUNKED, -1, true);

	private static final BodyFraming UNTIL_CLOSE = new BodyFraming(Kind.UNTIL_CLOSE, -1, true);

	private final Kind kind;

	private final long length;

	private final boolean mustClose;

	private BodyFraming(Kind kind, long length, boolean mustClose) {
		this.kind = kind;
		this.length = length;
		this.mustClose = mustClose;
	}

	/**
	 * The framing of {@code head}, the response to a {@code requestMethod} request.
	 * @throws ProtocolException if its {@code Transfer-Encoding} or
	 * {@code Content-Length} is unsupported or malformed
	 */
	public static BodyFraming of(String requestMethod, ResponseHead head) throws ProtocolException {
		Headers headers = head.headers();
		boolean chunked = (head.versionMinor() == 1) && isChunked(headers);
		boolean hasContentLength = headers.contains("Content-Length");
		long contentLength = (hasContentLength && !chunked) ? contentLength(headers) : -1;
		// RFC 9112 §6.1: Transfer-Encoding on HTTP/1.0, or beside Content-Length, means
		// framing a smuggler could exploit: this response is read, the connection is not
		// trusted with another.
		boolean mustClose = headers.containsToken("Connection", "close")
				|| (head.versionMinor() == 0 && !headers.containsToken("Connection", "keep-alive"))
				|| (chunked && hasContentLength) || (head.versionMinor() == 0 && headers.contains("Transfer-Encoding"));
		int status = head.status();
		if (status < 200 || status == 204 || status == 304 || "HEAD".equals(requestMethod)
				|| ("CONNECT".equals(requestMethod) && status < 300)) {
			return mustClose ? NONE_CLOSE : NONE_KEEP;
		}
		if (chunked) {
			return mustClose ? CHUNKED_CLOSE : CHUNKED_KEEP;
		}
		if (contentLength == 0) {
			return mustClose ? EMPTY_CLOSE : EMPTY_KEEP;
		}
		if (contentLength > 0) {
			return new BodyFraming(Kind.FIXED, contentLength, mustClose);
		}
		return UNTIL_CLOSE;
	}

	/**
	 * {@code headers} as the caller should see them: without {@code Content-Length} when
	 * chunking framed the body, and with one {@code Content-Length} when several
	 * identical values did (Go's {@code fixLength} does both). Otherwise a caller that
	 * trusts the header (Spring's message converters read that many bytes) would truncate
	 * the body, or fail to parse {@code "5, 5"}.
	 */
	public Headers normalize(Headers headers) {
		if (this.kind == Kind.CHUNKED) {
			return headers.contains("Content-Length") ? headers.toBuilder().remove("Content-Length").build() : headers;
		}
		if (this.kind == Kind.FIXED) {
			// No allocation on the usual path: one plain value.
			int count = 0;
			boolean plain = true;
			for (int i = 0; i < headers.size(); i++) {
				if ("Content-Length".equalsIgnoreCase(headers.name(i))) {
					count++;
					plain &= isPlainLength(headers.value(i));
				}
			}
			if (count > 1 || !plain) {
				return headers.toBuilder().set("Content-Length", Long.toString(this.length)).build();
			}
		}
		return headers;
	}

	private static boolean isPlainLength(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return !value.isEmpty();
	}

	public Kind kind() {
		return this.kind;
	}

	/** The body's length for {@link Kind#FIXED}; -1 otherwise. */
	public long length() {
		return this.length;
	}

	/** Whether the connection must be closed after this response rather than reused. */
	public boolean mustClose() {
		return this.mustClose;
	}

	@Override
	public String toString() {
		return this.kind + ((this.kind == Kind.FIXED) ? "(" + this.length + ")" : "")
				+ (this.mustClose ? ", must close" : "");
	}

	/**
	 * Whether the response has a {@code Transfer-Encoding}: it must then be
	 * {@code chunked}, once.
	 */
	private static boolean isChunked(Headers headers) throws ProtocolException {
		boolean present = false;
		boolean chunked = false;
		for (int i = 0; i < headers.size(); i++) {
			if (!"Transfer-Encoding".equalsIgnoreCase(headers.name(i))) {
				continue;
			}
			present = true;
			String value = headers.value(i);
			int start = 0;
			while (start <= value.length()) {
				int comma = value.indexOf(',', start);
				int end = (comma < 0) ? value.length() : comma;
				int s = trimStart(value, start, end);
				int e = trimEnd(value, s, end);
				if (s < e) {
					boolean isChunkedCoding = (e - s == 7) && value.regionMatches(true, s, "chunked", 0, 7);
					if (chunked) {
						throw new ProtocolException("unsupported Transfer-Encoding " + Excerpt.of(value)
								+ (isChunkedCoding ? ": chunked is applied more than once"
										: ": chunked must be the final transfer coding"));
					}
					if (!isChunkedCoding) {
						throw new ProtocolException(
								"unsupported Transfer-Encoding " + Excerpt.of(value) + ": only chunked is supported");
					}
					chunked = true;
				}
				start = end + 1;
			}
		}
		if (present && !chunked) {
			throw new ProtocolException("unsupported Transfer-Encoding \"\": only chunked is supported");
		}
		return chunked;
	}

	/** The one length that every {@code Content-Length} value states. */
	private static long contentLength(Headers headers) throws ProtocolException {
		long length = -1;
		// Where the first value was found, to quote it only if another differs.
		String first = null;
		int firstStart = 0;
		int firstEnd = 0;
		for (int i = 0; i < headers.size(); i++) {
			if (!"Content-Length".equalsIgnoreCase(headers.name(i))) {
				continue;
			}
			String value = headers.value(i);
			int start = 0;
			while (start <= value.length()) {
				int comma = value.indexOf(',', start);
				int end = (comma < 0) ? value.length() : comma;
				int s = trimStart(value, start, end);
				int e = trimEnd(value, s, end);
				long n = parseLength(value, s, e);
				if (first == null) {
					length = n;
					first = value;
					firstStart = s;
					firstEnd = e;
				}
				else if (n != length) {
					throw new ProtocolException(
							"differing Content-Length values " + Excerpt.of(first.substring(firstStart, firstEnd))
									+ " and " + Excerpt.of(value.substring(s, e)));
				}
				start = end + 1;
			}
		}
		return length;
	}

	private static long parseLength(String value, int start, int end) throws ProtocolException {
		if (start == end) {
			throw new ProtocolException("malformed Content-Length " + Excerpt.of(value) + ": a value is empty");
		}
		long n = 0;
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				throw new ProtocolException("malformed Content-Length " + Excerpt.of(value)
						+ ": it must be a non-negative decimal integer, without a sign");
			}
			if (n > (Long.MAX_VALUE - (c - '0')) / 10) {
				throw new ProtocolException("malformed Content-Length " + Excerpt.of(value) + ": it overflows a long");
			}
			n = n * 10 + (c - '0');
		}
		return n;
	}

	private static int trimStart(String value, int start, int end) {
		while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
			start++;
		}
		return start;
	}

	private static int trimEnd(String value, int start, int end) {
		while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
			end--;
		}
		return end;
	}

}
