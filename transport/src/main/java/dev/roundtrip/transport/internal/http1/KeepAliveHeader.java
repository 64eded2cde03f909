package dev.roundtrip.transport.internal.http1;

/**
 * A response's {@code Keep-Alive: timeout=5, max=100} header (RFC 2068 §19.7.1.1): how
 * long the server keeps an idle connection, and how many more requests it will serve on
 * it. Go ignores it (Go #15508); we honour it when {@code honor-keep-alive-header} is on.
 *
 * @param timeoutSeconds the idle timeout the server announced, in seconds, or -1 if it
 * announced none
 * @param max the requests the server will still serve on the connection, or -1 if it
 * announced no limit
 */
public record KeepAliveHeader(long timeoutSeconds, long max) {

	/** Neither parameter announced. */
	public static final KeepAliveHeader ABSENT = new KeepAliveHeader(-1, -1);

	/**
	 * Parses a {@code Keep-Alive} value. Parameter names ignore case, spaces are allowed
	 * around {@code =}, values may be quoted, and {@code ;} is taken as a separator as
	 * well as {@code ,}. Anything malformed, negative or overflowing is skipped, never an
	 * error; the first valid value of each parameter wins.
	 * @param value the header's value, or {@code null} for none
	 */
	public static KeepAliveHeader parse(String value) {
		if (value == null) {
			return ABSENT;
		}
		long timeout = -1;
		long max = -1;
		int length = value.length();
		int i = 0;
		while (i < length) {
			i = skipOws(value, i);
			int nameStart = i;
			while (i < length && isNameChar(value.charAt(i))) {
				i++;
			}
			int nameEnd = i;
			i = skipOws(value, i);
			long number = -1;
			if (i < length && value.charAt(i) == '=') {
				i = skipOws(value, i + 1);
				if (i < length && value.charAt(i) == '"') {
					int digitsEnd = skipDigits(value, i + 1);
					if (digitsEnd < length && value.charAt(digitsEnd) == '"') {
						number = parseDigits(value, i + 1, digitsEnd);
						i = digitsEnd + 1;
					}
					else {
						i = skipQuoted(value, i);
					}
				}
				else {
					int digitsEnd = skipDigits(value, i);
					number = parseDigits(value, i, digitsEnd);
					i = digitsEnd;
				}
				i = skipOws(value, i);
				if (i < length && value.charAt(i) != ',' && value.charAt(i) != ';') {
					number = -1;
				}
			}
			// Skip the rest of this parameter, whatever it holds.
			while (i < length && value.charAt(i) != ',' && value.charAt(i) != ';') {
				if (value.charAt(i) == '"') {
					i = skipQuoted(value, i);
				}
				else {
					i++;
				}
			}
			i++;
			if (number >= 0) {
				if (timeout < 0 && isName(value, nameStart, nameEnd, "timeout")) {
					timeout = number;
				}
				else if (max < 0 && isName(value, nameStart, nameEnd, "max")) {
					max = number;
				}
			}
		}
		return (timeout < 0 && max < 0) ? ABSENT : new KeepAliveHeader(timeout, max);
	}

	private static int skipDigits(String value, int i) {
		while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
			i++;
		}
		return i;
	}

	/**
	 * The decimal number in {@code value[start, end)}, or -1 if it is empty or overflows.
	 */
	private static long parseDigits(String value, int start, int end) {
		if (start == end) {
			return -1;
		}
		long number = 0;
		for (int i = start; i < end; i++) {
			int digit = value.charAt(i) - '0';
			if (number > (Long.MAX_VALUE - digit) / 10) {
				return -1;
			}
			number = number * 10 + digit;
		}
		return number;
	}

	private static boolean isName(String value, int start, int end, String name) {
		return end - start == name.length() && value.regionMatches(true, start, name, 0, name.length());
	}

	private static boolean isNameChar(char c) {
		return c != '=' && c != ',' && c != ';' && c != ' ' && c != '\t' && c != '"';
	}

	private static int skipOws(String value, int i) {
		while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	/** The index after the quoted string starting at {@code i}. */
	private static int skipQuoted(String value, int i) {
		i++;
		while (i < value.length() && value.charAt(i) != '"') {
			i += (value.charAt(i) == '\\') ? 2 : 1;
		}
		return i + 1;
	}

}
