package dev.roundtrip.transport.internal.http1;

/**
 * A short, printable quotation of offending input for error messages: control characters
 * are escaped and long input is cut, so that a hostile peer can neither flood a log nor
 * forge lines in it.
 */
final class Excerpt {

	/** The most characters quoted before the excerpt is cut with an ellipsis. */
	static final int MAX_CHARS = 64;

	private Excerpt() {
	}

	/**
	 * The bytes {@code [start, end)} as a quoted, escaped excerpt:
	 * {@code "HTTP/1.1 2x0 OK"}.
	 */
	static String of(byte[] bytes, int start, int end) {
		StringBuilder text = new StringBuilder(Math.min(end - start, MAX_CHARS) + 8).append('"');
		int stop = Math.min(end, start + MAX_CHARS);
		for (int i = start; i < stop; i++) {
			append(text, bytes[i] & 0xff);
		}
		return text.append((end > stop) ? "…\"" : "\"").toString();
	}

	/** {@code s} as a quoted, escaped excerpt. */
	static String of(String s) {
		StringBuilder text = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8).append('"');
		int stop = Math.min(s.length(), MAX_CHARS);
		for (int i = 0; i < stop; i++) {
			append(text, s.charAt(i));
		}
		return text.append((s.length() > stop) ? "…\"" : "\"").toString();
	}

	private static void append(StringBuilder text, int c) {
		switch (c) {
			case '\r' -> text.append("\\r");
			case '\n' -> text.append("\\n");
			case '\t' -> text.append("\\t");
			case '"' -> text.append("\\\"");
			case '\\' -> text.append("\\\\");
			default -> {
				if (c < 0x20 || c == 0x7f) {
					text.append(String.format("\\x%02x", c));
				}
				else {
					text.append((char) c);
				}
			}
		}
	}

	/** One character in words: {@code CR}, {@code a space}, {@code 'é' (U+00E9)}. */
	static String describe(int c) {
		return switch (c) {
			case '\r' -> "CR";
			case '\n' -> "LF";
			case '\0' -> "NUL";
			case '\t' -> "a tab";
			case ' ' -> "a space";
			default -> (c < 0x20 || c == 0x7f) ? String.format("control character 0x%02x", c)
					: "'" + (char) c + "' (U+" + String.format("%04X", c) + ")";
		};
	}

}
