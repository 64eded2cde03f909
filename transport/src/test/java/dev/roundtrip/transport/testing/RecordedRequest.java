package dev.roundtrip.transport.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request as the {@link ScriptedServer} received it, and which connection it arrived
 * on. The head is fixed when it is parsed; the body is filled in once read (at once with
 * eager bodies, when the handler asks or the exchange ends with lazy ones).
 */
public final class RecordedRequest {

	private final long sequence;

	private final int connectionId;

	private final int indexOnConnection;

	private final String method;

	private final String target;

	private final String version;

	private final List<String[]> headers;

	private volatile byte[] body;

	private volatile List<String[]> trailers = List.of();

	RecordedRequest(long sequence, int connectionId, int indexOnConnection, String method, String target,
			String version, List<String[]> headers) {
		this.sequence = sequence;
		this.connectionId = connectionId;
		this.indexOnConnection = indexOnConnection;
		this.method = method;
		this.target = target;
		this.version = version;
		this.headers = List.copyOf(headers);
	}

	/** Order of arrival over the whole server, from 1. */
	public long sequence() {
		return this.sequence;
	}

	/** The server connection it arrived on: 1 for the first accepted, 2 for the next… */
	public int connectionId() {
		return this.connectionId;
	}

	/** 1 for the first request on its connection, 2 for the next… */
	public int indexOnConnection() {
		return this.indexOnConnection;
	}

	public String method() {
		return this.method;
	}

	/** The request target as sent, such as {@code /path?query}. */
	public String target() {
		return this.target;
	}

	/** {@code HTTP/1.1} or {@code HTTP/1.0}. */
	public String version() {
		return this.version;
	}

	/** The first value of the header {@code name} (any case), or {@code null}. */
	public String header(String name) {
		for (String[] header : this.headers) {
			if (header[0].equalsIgnoreCase(name)) {
				return header[1];
			}
		}
		return null;
	}

	/** Every value of the header {@code name}, in order. */
	public List<String> headers(String name) {
		List<String> values = new ArrayList<>();
		for (String[] header : this.headers) {
			if (header[0].equalsIgnoreCase(name)) {
				values.add(header[1]);
			}
		}
		return values;
	}

	/**
	 * Whether a comma-separated header such as {@code Connection} carries {@code token},
	 * in any case.
	 */
	public boolean hasToken(String name, String token) {
		for (String value : headers(name)) {
			for (String part : value.split(",")) {
				if (part.trim().toLowerCase(Locale.ROOT).equals(token.toLowerCase(Locale.ROOT))) {
					return true;
				}
			}
		}
		return false;
	}

	/** The header lines, as name and value. */
	public List<String[]> headerLines() {
		return this.headers;
	}

	/** The body as received (dechunked), or {@code null} if it has not been read yet. */
	public byte[] body() {
		return this.body;
	}

	public String bodyText() {
		byte[] bytes = this.body;
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	/** Trailer lines of a chunked body. */
	public List<String[]> trailers() {
		return this.trailers;
	}

	void body(byte[] body, List<String[]> trailers) {
		this.trailers = List.copyOf(trailers);
		this.body = body;
	}

	@Override
	public String toString() {
		return "#" + this.sequence + " on connection " + this.connectionId + "/" + this.indexOnConnection + ": "
				+ this.method + " " + this.target;
	}

}
