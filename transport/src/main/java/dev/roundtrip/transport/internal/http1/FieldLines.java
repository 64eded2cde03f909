package dev.roundtrip.transport.internal.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.internal.Trusted;

/**
 * The field lines of one head or trailer section as they are parsed. A connection reuses
 * one for every response head; {@link #toHeaders()} copies them out at the end and
 * empties it.
 *
 * <p>
 * Responses on one connection mostly repeat their fields: same order, same
 * {@code Server}, often the same {@code Date} and length. A field whose bytes equal the
 * previous head's field at the same position reuses its strings, and a head equal to the
 * previous one reuses its {@link Headers}, so that steady traffic parses with next to no
 * allocation.
 */
final class FieldLines {

	private static final String[] NONE = new String[0];

	/** name0, value0, name1, value1, … */
	private String[] namesAndValues = new String[32];

	private int size;

	/** The previous head's fields and headers, for reuse; never written to. */
	private String[] previous = NONE;

	private int previousSize;

	private Headers previousHeaders = Headers.EMPTY;

	/** Whether every field so far is the previous head's at the same position. */
	private boolean allRepeated = true;

	int size() {
		return this.size;
	}

	/**
	 * The name of the next field: the canonical constant of a well-known name, else its
	 * bytes as sent.
	 */
	String name(byte[] line, int start, int end) {
		String known = InternTable.HEADER_NAMES.lookup(line, start, end);
		if (known != null) {
			return known;
		}
		String previous = previousAt(this.size * 2);
		return (previous != null && sameBytes(previous, line, start, end)) ? previous
				: new String(line, start, end - start, StandardCharsets.ISO_8859_1);
	}

	/** The value of the next field, already trimmed and checked. */
	String value(byte[] line, int start, int end) {
		String previous = previousAt(this.size * 2 + 1);
		if (previous != null && sameBytes(previous, line, start, end)) {
			return previous;
		}
		return InternTable.HEADER_VALUES.intern(line, start, end);
	}

	void add(String name, String value) {
		if (this.size * 2 == this.namesAndValues.length) {
			this.namesAndValues = Arrays.copyOf(this.namesAndValues, this.namesAndValues.length * 2);
		}
		int index = this.size * 2;
		this.allRepeated = this.allRepeated && this.size < this.previousSize && name == this.previous[index]
				&& value == this.previous[index + 1];
		this.namesAndValues[index] = name;
		this.namesAndValues[index + 1] = value;
		this.size++;
	}

	/**
	 * Joins an obs-fold continuation to the last value with one space (RFC 9112 §5.2).
	 */
	void continueLast(String continuation) {
		if (!continuation.isEmpty()) {
			int index = this.size * 2 - 1;
			String value = this.namesAndValues[index];
			this.namesAndValues[index] = value.isEmpty() ? continuation : value + ' ' + continuation;
			this.allRepeated = false;
		}
	}

	/** The lines as {@link Headers}; leaves this empty. */
	Headers toHeaders() {
		Headers headers;
		if (this.size == 0) {
			headers = Headers.EMPTY;
		}
		else if (this.allRepeated && this.size == this.previousSize) {
			headers = this.previousHeaders;
		}
		else {
			String[] fields = Arrays.copyOf(this.namesAndValues, this.size * 2);
			headers = Trusted.headers(fields, this.size);
			// Headers never writes to its array, so it can serve as the reference for the
			// next head.
			this.previous = fields;
			this.previousSize = this.size;
			this.previousHeaders = headers;
		}
		clear();
		return headers;
	}

	void clear() {
		Arrays.fill(this.namesAndValues, 0, this.size * 2, null);
		this.size = 0;
		this.allRepeated = true;
	}

	private String previousAt(int index) {
		return (index < this.previousSize * 2) ? this.previous[index] : null;
	}

	private static boolean sameBytes(String s, byte[] bytes, int start, int end) {
		if (s.length() != end - start) {
			return false;
		}
		for (int i = 0; i < s.length(); i++) {
			if (s.charAt(i) != (char) (bytes[start + i] & 0xff)) {
				return false;
			}
		}
		return true;
	}

}
