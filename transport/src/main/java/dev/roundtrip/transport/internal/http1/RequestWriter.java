package dev.roundtrip.transport.internal.http1;

import java.io.IOException;

/**
 * Writes a request head (RFC 9112 §3): the request line, field lines and the empty line
 * that ends them. The method, header names and header values come validated from
 * {@code Request} and {@code Headers}; the request target is checked here, as it is built
 * from a URI by the transport.
 */
public final class RequestWriter {

	private static final byte[] VERSION_CRLF = { ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n' };

	private RequestWriter() {
	}

	/**
	 * Writes {@code method SP target SP HTTP/1.1 CRLF}.
	 * @throws IllegalArgumentException if the target is empty or contains whitespace, a
	 * control character or a character above U+00FF; nothing is written then
	 */
	public static void writeRequestLine(Http1Sink sink, String method, String target) throws IOException {
		checkTarget(target);
		sink.writeLatin1(method);
		sink.write(' ');
		sink.writeLatin1(target);
		sink.write(VERSION_CRLF, 0, VERSION_CRLF.length);
	}

	/**
	 * Writes {@code name: value CRLF}; both were validated by {@code Headers.Builder}.
	 */
	public static void writeHeader(Http1Sink sink, String name, String value) throws IOException {
		sink.writeLatin1(name);
		sink.write(':');
		sink.write(' ');
		sink.writeLatin1(value);
		sink.write('\r');
		sink.write('\n');
	}

	/**
	 * Writes {@code Host: host[:port] CRLF}, the port left out when negative, without
	 * building the value.
	 */
	public static void writeHostHeader(Http1Sink sink, String host, int port) throws IOException {
		sink.writeLatin1("Host: ");
		sink.writeLatin1(host);
		if (port >= 0) {
			sink.write(':');
			writeDecimal(sink, port);
		}
		sink.write('\r');
		sink.write('\n');
	}

	private static void writeDecimal(Http1Sink sink, int value) throws IOException {
		if (value >= 10) {
			writeDecimal(sink, value / 10);
		}
		sink.write('0' + value % 10);
	}

	/** Writes the empty line that ends the head. */
	public static void endHeaders(Http1Sink sink) throws IOException {
		sink.write('\r');
		sink.write('\n');
	}

	/**
	 * Checks a request target: not empty; no SP, control character, DEL or character
	 * above U+00FF.
	 */
	public static void checkTarget(String target) {
		if (target.isEmpty()) {
			throw new IllegalArgumentException("Request target is empty");
		}
		for (int i = 0; i < target.length(); i++) {
			char c = target.charAt(i);
			if (c <= 0x20 || c == 0x7f || c > 0xff) {
				throw new IllegalArgumentException(
						"Request target " + Excerpt.of(target) + " contains " + Excerpt.describe(c) + " at index " + i
								+ "; whitespace, control characters and characters above U+00FF are not allowed");
			}
		}
	}

}
