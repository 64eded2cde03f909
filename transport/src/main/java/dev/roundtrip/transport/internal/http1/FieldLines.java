package dev.roundtrip.transport.internal.http1;

import java.util.Arrays;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.internal.Trusted;

/**
 * The field lines of one head or trailer section as they are parsed. A
 * connection reuses one for every response head; {@link #toHeaders()} copies
 * them out at the end and empties it.
 */
final class FieldLines {

	/** name0, value0, name1, value1, … */
	private String[] namesAndValues = new String[32];

	private int size;

	int size() {
		return this.size;
	}

	void add(String name, String value) {
		if (this.size * 2 == this.namesAndValues.length) {
			this.namesAndValues = Arrays.copyOf(this.namesAndValues, this.namesAndValues.length * 2);
		}
		this.namesAndValues[this.size * 2] = name;
		this.namesAndValues[this.size * 2 + 1] = value;
		this.size++;
	}

	/** Joins an obs-fold continuation to the last value with one space (RFC 9112 §5.2). */
	void continueLast(String continuation) {
		if (!continuation.isEmpty()) {
			int index = this.size * 2 - 1;
			String value = this.namesAndValues[index];
			this.namesAndValues[index] = value.isEmpty() ? continuation : value + ' ' + continuation;
		}
	}

	/** The lines as {@link Headers}; leaves this empty. */
	Headers toHeaders() {
		if (this.size == 0) {
			return Headers.EMPTY;
		}
		Headers headers = Trusted.headers(Arrays.copyOf(this.namesAndValues, this.size * 2), this.size);
		clear();
		return headers;
	}

	void clear() {
		Arrays.fill(this.namesAndValues, 0, this.size * 2, null);
		this.size = 0;
	}

}
