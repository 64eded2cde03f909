package dev.roundtrip.transport.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.roundtrip.transport.Headers;

/**
 * What reading one wire gave: the responses read in turn on the connection, and how it
 * ended. Two reads of the same bytes are compared with {@link #equals}.
 */
final class Outcome {

	/** How the failure is classed when it is compared with the reference parser's. */
	enum Failure {

		/** The input ended in the middle of a message: {@code EOFException}. */
		TRUNCATED,

		/** Malformed framing, or a limit exceeded: {@code ProtocolException}. */
		MALFORMED,

		/** The content coding could not be decoded: any {@code IOException}. */
		DECODING,

		/** The body is larger than the test reads. */
		TOO_LARGE

	}

	/**
	 * One field line as the caller sees it; the name lower-cased, since well-known names
	 * come back in their canonical spelling.
	 */
	record Field(String name, String value) {

		static List<Field> of(Headers headers) {
			List<Field> fields = new ArrayList<>(headers.size());
			for (int i = 0; i < headers.size(); i++) {
				fields.add(new Field(headers.name(i).toLowerCase(Locale.ROOT), headers.value(i)));
			}
			return fields;
		}

		@Override
		public String toString() {
			return this.name + ": " + quote(this.value);
		}

	}

	/**
	 * One response read to its end.
	 *
	 * @param interim the statuses of the 1xx responses skipped before it
	 * @param end where on the wire the message ended (the offset of the next byte), or -1
	 * for a body delimited by close
	 * @param reusable whether the connection would go back to the pool after it
	 */
	record Message(List<Integer> interim, int versionMinor, int status, String reason, List<Field> headers, byte[] body,
			List<Field> trailers, long end, boolean reusable) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Message that && this.interim.equals(that.interim)
					&& this.versionMinor == that.versionMinor && this.status == that.status
					&& this.reason.equals(that.reason) && this.headers.equals(that.headers)
					&& Arrays.equals(this.body, that.body) && this.trailers.equals(that.trailers)
					&& this.end == that.end && this.reusable == that.reusable;
		}

		@Override
		public int hashCode() {
			return this.status;
		}

		@Override
		public String toString() {
			return "HTTP/1." + this.versionMinor + " " + this.status + " " + quote(this.reason) + " interim="
					+ this.interim + " headers=" + this.headers + " body=" + quote(this.body) + " trailers="
					+ this.trailers + " end=" + this.end + (this.reusable ? " reusable" : " closed");
		}

	}

	final List<Message> messages = new ArrayList<>();

	/** The failure that ended the reading, or {@code null}. */
	Failure failure;

	/**
	 * The exception's class and message for the real codec; a reason for the reference.
	 */
	String failureDetail;

	/**
	 * The body bytes of the failed message returned before its failure, {@code null} when
	 * they are not compared (a decoded body: a decoder may hold back bytes it has).
	 */
	byte[] bodyBeforeFailure;

	void fail(Failure failure, String detail, byte[] bodyBeforeFailure) {
		this.failure = failure;
		this.failureDetail = detail;
		this.bodyBeforeFailure = bodyBeforeFailure;
	}

	/** The same responses and the same end: exact failure detail included. */
	@Override
	public boolean equals(Object other) {
		return other instanceof Outcome that && this.messages.equals(that.messages) && this.failure == that.failure
				&& java.util.Objects.equals(this.failureDetail, that.failureDetail)
				&& Arrays.equals(this.bodyBeforeFailure, that.bodyBeforeFailure);
	}

	/** The same responses and the same class of failure: for the reference parser. */
	boolean agreesWith(Outcome reference) {
		return this.messages.equals(reference.messages) && this.failure == reference.failure
				&& (this.bodyBeforeFailure == null || reference.bodyBeforeFailure == null
						|| Arrays.equals(this.bodyBeforeFailure, reference.bodyBeforeFailure));
	}

	@Override
	public int hashCode() {
		return this.messages.size();
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		for (Message message : this.messages) {
			text.append("\n  ").append(message);
		}
		text.append("\n  then ");
		if (this.failure == null) {
			text.append("the end of the input");
		}
		else {
			text.append(this.failure).append(": ").append(this.failureDetail);
			if (this.bodyBeforeFailure != null) {
				text.append(" after body bytes ").append(quote(this.bodyBeforeFailure));
			}
		}
		return text.toString();
	}

	static String quote(byte[] bytes) {
		return quote(new String(bytes, StandardCharsets.ISO_8859_1));
	}

	/** Java-escaped, cut at 200 characters. */
	static String quote(String s) {
		StringBuilder text = new StringBuilder("\"");
		for (int i = 0; i < s.length() && i < 200; i++) {
			char c = s.charAt(i);
			switch (c) {
				case '\r' -> text.append("\\r");
				case '\n' -> text.append("\\n");
				case '\t' -> text.append("\\t");
				case '"' -> text.append("\\\"");
				case '\\' -> text.append("\\\\");
				default -> text.append((c < 0x20 || c >= 0x7f) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
			}
		}
		return text.append((s.length() > 200) ? "…\"" : "\"").toString();
	}

}
