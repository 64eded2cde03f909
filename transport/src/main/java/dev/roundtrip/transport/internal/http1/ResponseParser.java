package dev.roundtrip.transport.internal.http1;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;

/**
 * Reads a response head, status line and header fields, straight from a connection's read
 * buffer (RFC 9112 §4 and §5). Well-known header names come back as canonical constants;
 * no regular expression, no splitting, no {@code String} per line.
 *
 * <p>
 * Strict where laxness would let a peer smuggle or confuse: a malformed status line, a
 * field line without a colon, whitespace before the colon, a name that is not a token, or
 * NUL or CR inside a value is an error. Lenient where RFC 9112 lets a recipient be: a
 * bare LF ends a line, and an obs-fold continuation line is joined to the previous value
 * with one space.
 */
public final class ResponseParser {

	private static final boolean[] TOKEN = new boolean[256];

	static {
		for (int c = '0'; c <= '9'; c++) {
			TOKEN[c] = true;
		}
		for (int c = 'a'; c <= 'z'; c++) {
			TOKEN[c] = true;
			TOKEN[c - 'a' + 'A'] = true;
		}
		for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
			TOKEN[c] = true;
		}
	}

	private ResponseParser() {
	}

	/**
	 * Reads exactly one response head; the caller loops over 1xx responses, passing what
	 * is left of its header budget.
	 * @param source the connection's read side, left at the first byte of the body
	 * @param maxHeadBytes the most bytes the head may take, line ends included
	 * @return the head, or {@code null} if the stream ended cleanly before its first
	 * byte: the server closed the connection without answering
	 * @throws EOFException if the stream ended in the middle of the head
	 * @throws ProtocolException if the head is malformed or exceeds {@code maxHeadBytes}
	 */
	public static ResponseHead readHead(Http1Source source, long maxHeadBytes) throws IOException {
		int n = source.readLine(maxHeadBytes, true);
		if (n == Http1Source.LINE_EOF) {
			return null;
		}
		if (n < 0) {
			throw headFailure(n, source, 0, maxHeadBytes);
		}
		long consumed = n;
		byte[] line = source.lineArray;
		int start = source.lineStart;
		int end = source.lineEnd;
		int length = end - start;

		// HTTP/1.x SP 3DIGIT [SP reason-phrase]
		if (length < 5 || line[start] != 'H' || line[start + 1] != 'T' || line[start + 2] != 'T'
				|| line[start + 3] != 'P' || line[start + 4] != '/') {
			throw malformedStatusLine(line, start, end, "it must start with HTTP/1.1 or HTTP/1.0");
		}
		if (length < 8 || !isDigit(line[start + 5]) || line[start + 6] != '.' || !isDigit(line[start + 7])
				|| (length > 8 && isDigit(line[start + 8]))) {
			throw malformedStatusLine(line, start, end, "the version must be HTTP/<digit>.<digit>");
		}
		if (line[start + 5] != '1') {
			throw new ProtocolException("unsupported HTTP version in status line " + Excerpt.of(line, start, end)
					+ ": only HTTP/1.x is supported");
		}
		// RFC 9110 §2.5: a 1.x above 1.1 is processed as the highest minor version we
		// support.
		int versionMinor = Math.min(1, line[start + 7] - '0');
		if (length < 9 || line[start + 8] != ' ') {
			throw malformedStatusLine(line, start, end, "the version must be followed by a space");
		}
		if (length < 12 || !isDigit(line[start + 9]) || !isDigit(line[start + 10]) || !isDigit(line[start + 11])
				|| (length > 12 && line[start + 12] != ' ')) {
			throw malformedStatusLine(line, start, end, "the status code must be three digits");
		}
		int status = (line[start + 9] - '0') * 100 + (line[start + 10] - '0') * 10 + (line[start + 11] - '0');
		if (status < 100) {
			throw malformedStatusLine(line, start, end, "the status code must be between 100 and 999");
		}
		String reason = "";
		if (length > 13) {
			int invalid = indexOfNulOrCr(line, start + 13, end);
			if (invalid >= 0) {
				throw malformedStatusLine(line, start, end,
						"the reason phrase contains " + Excerpt.describe(line[invalid]));
			}
			reason = InternTable.REASONS.intern(line, start + 13, end);
		}

		FieldLines fields = source.fieldLines;
		fields.clear();
		while (true) {
			n = source.readLine(maxHeadBytes - consumed, true);
			if (n < 0) {
				throw headFailure(n, source, consumed, maxHeadBytes);
			}
			consumed += n;
			if (source.lineStart == source.lineEnd) {
				break;
			}
			parseField(fields, source.lineArray, source.lineStart, source.lineEnd, "header");
		}
		return new ResponseHead(versionMinor, status, reason, fields.toHeaders(),
				(int) Math.min(consumed, Integer.MAX_VALUE));
	}

	private static IOException headFailure(int code, Http1Source source, long consumed, long maxHeadBytes) {
		if (code == Http1Source.LINE_TOO_LONG) {
			return new ProtocolException(
					"response headers exceeded " + maxHeadBytes + " bytes (max-response-header-bytes)");
		}
		long read = consumed + ((code == Http1Source.LINE_TRUNCATED) ? source.partialLine : 0);
		return new EOFException("connection closed after " + read + " bytes of the response head");
	}

	private static ProtocolException malformedStatusLine(byte[] line, int start, int end, String why) {
		return new ProtocolException("malformed status line " + Excerpt.of(line, start, end) + ": " + why);
	}

	/**
	 * Parses one field line, {@code name ":" OWS value OWS}, into {@code fields}; a line
	 * starting with SP or HTAB continues the previous value.
	 * @param section {@code "header"} or {@code "trailer"}, for messages
	 */
	static void parseField(FieldLines fields, byte[] line, int start, int end, String section)
			throws ProtocolException {
		byte first = line[start];
		if (first == ' ' || first == '\t') {
			if (fields.size() == 0) {
				throw malformedField(section, line, start, end, "a continuation line before the first field");
			}
			fields.continueLast(value(null, section, line, start, end, start, end));
			return;
		}
		int colon = start;
		while (colon < end && line[colon] != ':') {
			colon++;
		}
		if (colon == end) {
			throw malformedField(section, line, start, end, "it has no colon");
		}
		if (colon == start) {
			throw malformedField(section, line, start, end, "the field name is empty");
		}
		for (int i = start; i < colon; i++) {
			byte b = line[i];
			if (!TOKEN[b & 0xff]) {
				if ((b == ' ' || b == '\t') && isOws(line, i, colon)) {
					throw malformedField(section, line, start, end, "whitespace between the field name and the colon");
				}
				throw malformedField(section, line, start, end, "the field name contains " + Excerpt.describe(b & 0xff)
						+ "; a field name must be an RFC 9110 token");
			}
		}
		String name = fields.name(line, start, colon);
		fields.add(name, value(fields, section, line, start, end, colon + 1, end));
	}

	/**
	 * The value in {@code line[from, to)}, trimmed of OWS; NUL and CR are refused. Made
	 * by {@code fields} when given, so it can reuse a string.
	 */
	private static String value(FieldLines fields, String section, byte[] line, int start, int end, int from, int to)
			throws ProtocolException {
		while (from < to && (line[from] == ' ' || line[from] == '\t')) {
			from++;
		}
		while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
			to--;
		}
		if (from == to) {
			return "";
		}
		int invalid = indexOfNulOrCr(line, from, to);
		if (invalid >= 0) {
			throw malformedField(section, line, start, end, "the value contains " + Excerpt.describe(line[invalid]));
		}
		return (fields != null) ? fields.value(line, from, to) : InternTable.HEADER_VALUES.intern(line, from, to);
	}

	private static ProtocolException malformedField(String section, byte[] line, int start, int end, String why) {
		return new ProtocolException("malformed " + section + " line " + Excerpt.of(line, start, end) + ": " + why);
	}

	private static int indexOfNulOrCr(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == 0 || bytes[i] == '\r') {
				return i;
			}
		}
		return -1;
	}

	/** Whether {@code bytes[from, to)} is all SP and HTAB. */
	private static boolean isOws(byte[] bytes, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] != ' ' && bytes[i] != '\t') {
				return false;
			}
		}
		return true;
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

}
