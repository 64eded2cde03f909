package dev.roundtrip.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An immutable, ordered list of HTTP header fields. Names compare without regard to case;
 * their spelling is kept as given. Values are kept as sent, one entry per field line.
 *
 * <p>
 * Names and values built through {@link Builder} are validated: a name must be an RFC
 * 9110 token and a value must not contain CR, LF or NUL, so no header can smuggle a
 * second header or a second request onto the wire.
 */
public final class Headers {

	private static final String[] NONE = new String[0];

	static {
		dev.roundtrip.transport.internal.Trusted.headers = Headers::new;
	}

	/** The empty header list. */
	public static final Headers EMPTY = new Headers(NONE, 0);

	/**
	 * name0, value0, name1, value1, … ; only the first {@code 2 * size} slots are used.
	 */
	private final String[] namesAndValues;

	private final int size;

	private Headers(String[] namesAndValues, int size) {
		this.namesAndValues = namesAndValues;
		this.size = size;
	}

	/**
	 * Headers from alternating names and values:
	 * {@code Headers.of("Accept", "text/plain", "X-A", "1")}.
	 */
	public static Headers of(String... namesAndValues) {
		if (namesAndValues.length % 2 != 0) {
			throw new IllegalArgumentException("Expected alternating names and values, got an odd count");
		}
		Builder builder = builder();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			builder.add(namesAndValues[i], namesAndValues[i + 1]);
		}
		return builder.build();
	}

	public static Builder builder() {
		return new Builder();
	}

	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.namesAndValues = Arrays.copyOf(this.namesAndValues, Math.max(16, this.size * 2));
		builder.size = this.size;
		return builder;
	}

	/** The number of field lines. */
	public int size() {
		return this.size;
	}

	public boolean isEmpty() {
		return this.size == 0;
	}

	public String name(int index) {
		Objects.checkIndex(index, this.size);
		return this.namesAndValues[index * 2];
	}

	public String value(int index) {
		Objects.checkIndex(index, this.size);
		return this.namesAndValues[index * 2 + 1];
	}

	/** The first value of the named header, or {@code null}. */
	public @Nullable String get(String name) {
		for (int i = 0; i < this.size; i++) {
			if (name.equalsIgnoreCase(this.namesAndValues[i * 2])) {
				return this.namesAndValues[i * 2 + 1];
			}
		}
		return null;
	}

	public boolean contains(String name) {
		return get(name) != null;
	}

	/** Every value of the named header, in order; empty when there is none. */
	public List<String> values(String name) {
		List<String> values = null;
		for (int i = 0; i < this.size; i++) {
			if (name.equalsIgnoreCase(this.namesAndValues[i * 2])) {
				if (values == null) {
					values = new ArrayList<>(2);
				}
				values.add(this.namesAndValues[i * 2 + 1]);
			}
		}
		return (values != null) ? Collections.unmodifiableList(values) : List.of();
	}

	/**
	 * Whether any comma-separated element of the named header equals {@code token},
	 * ignoring case: {@code Connection: keep-alive, Close} contains {@code close}.
	 */
	public boolean containsToken(String name, String token) {
		for (int i = 0; i < this.size; i++) {
			if (name.equalsIgnoreCase(this.namesAndValues[i * 2]) && hasToken(this.namesAndValues[i * 2 + 1], token)) {
				return true;
			}
		}
		return false;
	}

	static boolean hasToken(String value, String token) {
		int start = 0;
		int length = value.length();
		while (start < length) {
			int comma = value.indexOf(',', start);
			int end = (comma < 0) ? length : comma;
			int s = start;
			int e = end;
			while (s < e && isOws(value.charAt(s))) {
				s++;
			}
			while (e > s && isOws(value.charAt(e - 1))) {
				e--;
			}
			if (e - s == token.length() && value.regionMatches(true, s, token, 0, token.length())) {
				return true;
			}
			start = end + 1;
		}
		return false;
	}

	private static boolean isOws(char c) {
		return c == ' ' || c == '\t';
	}

	/**
	 * The headers as a map from each distinct name (first spelling seen) to its values.
	 */
	public Map<String, List<String>> toMultimap() {
		Map<String, List<String>> map = new LinkedHashMap<>();
		outer: for (int i = 0; i < this.size; i++) {
			String name = this.namesAndValues[i * 2];
			for (Map.Entry<String, List<String>> entry : map.entrySet()) {
				if (entry.getKey().equalsIgnoreCase(name)) {
					entry.getValue().add(this.namesAndValues[i * 2 + 1]);
					continue outer;
				}
			}
			List<String> values = new ArrayList<>(1);
			values.add(this.namesAndValues[i * 2 + 1]);
			map.put(name, values);
		}
		return map;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof Headers that) || that.size != this.size) {
			return false;
		}
		return Arrays.equals(this.namesAndValues, 0, this.size * 2, that.namesAndValues, 0, that.size * 2);
	}

	@Override
	public int hashCode() {
		int hash = 1;
		for (int i = 0; i < this.size * 2; i++) {
			hash = 31 * hash + this.namesAndValues[i].hashCode();
		}
		return hash;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < this.size; i++) {
			text.append(this.namesAndValues[i * 2]).append(": ").append(this.namesAndValues[i * 2 + 1]).append('\n');
		}
		return text.toString();
	}

	/** Checks a header name: a non-empty RFC 9110 token. */
	public static void checkName(String name) {
		Objects.requireNonNull(name, "header name");
		if (name.isEmpty()) {
			throw new IllegalArgumentException("Header name is empty");
		}
		for (int i = 0; i < name.length(); i++) {
			if (!isTokenChar(name.charAt(i))) {
				throw new IllegalArgumentException("Header name " + quote(name) + " contains "
						+ describe(name.charAt(i)) + " at index " + i + "; a header name must be an RFC 9110 token");
			}
		}
	}

	/**
	 * Checks a header value: no CR, LF, NUL or other control character except horizontal
	 * tab.
	 */
	public static void checkValue(String name, String value) {
		Objects.requireNonNull(value, () -> "value of header " + name);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
				throw new IllegalArgumentException(
						"Value of header " + quote(name) + " contains " + describe(c) + " at index " + i
								+ "; CR, LF, NUL, other controls and characters above U+00FF are not allowed");
			}
		}
	}

	/** Whether {@code c} may appear in an RFC 9110 token (method names, header names). */
	public static boolean isTokenChar(char c) {
		if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return true;
		}
		return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
	}

	static String describe(char c) {
		return switch (c) {
			case '\r' -> "CR";
			case '\n' -> "LF";
			case '\0' -> "NUL";
			case ' ' -> "a space";
			default -> (c < 0x20 || c == 0x7f) ? String.format("control character 0x%02x", (int) c)
					: "'" + c + "' (U+" + String.format("%04X", (int) c) + ")";
		};
	}

	static String quote(String s) {
		StringBuilder text = new StringBuilder("\"");
		for (int i = 0; i < s.length() && i < 64; i++) {
			char c = s.charAt(i);
			text.append((c < 0x20 || c == 0x7f) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
		}
		return text.append(s.length() > 64 ? "…\"" : "\"").toString();
	}

	/** Builds {@link Headers}; validates every name and value as it is added. */
	public static final class Builder {

		// Allocated on the first add: most requests carry no headers of their own.
		private String[] namesAndValues = NONE;

		private int size;

		private Builder() {
		}

		/** Adds a field line, keeping any others of that name. */
		public Builder add(String name, String value) {
			checkName(name);
			checkValue(name, value);
			if (this.size * 2 == this.namesAndValues.length) {
				this.namesAndValues = Arrays.copyOf(this.namesAndValues, Math.max(16, this.namesAndValues.length * 2));
			}
			this.namesAndValues[this.size * 2] = name;
			this.namesAndValues[this.size * 2 + 1] = value;
			this.size++;
			return this;
		}

		/** Replaces every field line of this name with one. */
		public Builder set(String name, String value) {
			remove(name);
			return add(name, value);
		}

		/** Removes every field line of this name. */
		public Builder remove(String name) {
			int kept = 0;
			for (int i = 0; i < this.size; i++) {
				if (!name.equalsIgnoreCase(this.namesAndValues[i * 2])) {
					this.namesAndValues[kept * 2] = this.namesAndValues[i * 2];
					this.namesAndValues[kept * 2 + 1] = this.namesAndValues[i * 2 + 1];
					kept++;
				}
			}
			Arrays.fill(this.namesAndValues, kept * 2, this.size * 2, null);
			this.size = kept;
			return this;
		}

		public @Nullable String get(String name) {
			for (int i = 0; i < this.size; i++) {
				if (name.equalsIgnoreCase(this.namesAndValues[i * 2])) {
					return this.namesAndValues[i * 2 + 1];
				}
			}
			return null;
		}

		public Headers build() {
			if (this.size == 0) {
				return EMPTY;
			}
			return new Headers(Arrays.copyOf(this.namesAndValues, this.size * 2), this.size);
		}

	}

}
