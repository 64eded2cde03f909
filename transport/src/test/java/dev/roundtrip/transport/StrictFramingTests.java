package dev.roundtrip.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * DESIGN 2.5 end to end: a scripted server sends malformed framing or heads, and each is
 * refused with an exception that says what was wrong, and the connection is closed (the
 * server reads EOF; nothing is left in the pool). Outgoing, a request that cannot be sent
 * safely is refused before any byte is written: the server sees no connection at all.
 */
class StrictFramingTests {

	private static final Duration WAIT = Await.PROMPTLY;

	// Go: TestTransportRejectsSignInContentLength, readTransfer / fixLength in
	// transfer.go
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					differing duplicate Content-Length | Content-Length: 5\\r\\nContent-Length: 6            | differing Content-Length values "5" and "6"
					differing values in one line       | Content-Length: 5, 6                                | differing Content-Length values
					signed Content-Length              | Content-Length: +5                                  | without a sign
					negative Content-Length            | Content-Length: -1                                  | without a sign
					non-numeric Content-Length         | Content-Length: five                                | non-negative decimal integer
					overflowing Content-Length         | Content-Length: 99999999999999999999                | overflows a long
					empty Content-Length               | Content-Length:                                     | a value is empty
					Transfer-Encoding other than chunked | Transfer-Encoding: gzip                           | only chunked is supported
					chunked not the last coding        | Transfer-Encoding: chunked, gzip                    | chunked must be the final transfer coding
					chunked applied twice              | Transfer-Encoding: chunked, chunked                 | chunked is applied more than once
					""")
	void malformedFramingHeadersAreRejectedAndTheConnectionClosed(String what, String headerLines, String message)
			throws Exception {
		String head = "HTTP/1.1 200 OK\r\n" + headerLines.replace("\\r\\n", "\r\n") + "\r\n\r\nhello";
		assertThat(rejection(head)).as(what).isInstanceOf(ProtocolException.class).hasMessageContaining(message);
	}

	// Go: TestMissingStatusNoPanic, readResponse's status line checks
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			two-digit status        | HTTP/1.1 20 OK                    | the status code must be three digits
			status not a number     | HTTP/1.1 abc OK                   | the status code must be three digits
			no version              | 200 OK                            | it must start with HTTP/1.1 or HTTP/1.0
			HTTP/2 in an HTTP/1 head| HTTP/2.0 200 OK                   | unsupported HTTP version
			another protocol        | ICY 200 OK                        | it must start with HTTP/1.1 or HTTP/1.0
			no space after version  | HTTP/1.1200 OK                    | the version must be HTTP/<digit>.<digit>
			""")
	void malformedStatusLinesAreRejectedAndTheConnectionClosed(String what, String statusLine, String message)
			throws Exception {
		String response = statusLine + "\r\nContent-Length: 0\r\n\r\n";
		assertThat(rejection(response)).as(what)
			.isInstanceOf(ProtocolException.class)
			.hasMessageContaining("status line")
			.hasMessageContaining(message);
	}

	// Go: TestInvalidHeaderResponse, textproto's header checks
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					header without colon              | X-Broken no colon                | it has no colon
					whitespace before the colon       | X-Spaced : value                 | whitespace between the field name and the colon
					field name that is not a token    | X(paren): value                  | a field name must be an RFC 9110 token
					""")
	void malformedHeaderLinesAreRejectedAndTheConnectionClosed(String what, String line, String message)
			throws Exception {
		String response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + line + "\r\n\r\n";
		assertThat(rejection(response)).as(what)
			.isInstanceOf(ProtocolException.class)
			.hasMessageContaining("malformed header line")
			.hasMessageContaining(message);
	}

	// Go: TestTransportResponseHeaderLength
	@Test
	void headersOverMaxResponseHeaderBytesAreRejectedAndTheConnectionClosed() throws Exception {
		String response = "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(3000) + "\r\nContent-Length: 0\r\n\r\n";
		assertThat(rejection(response, Transport.builder().maxResponseHeaderBytes(2048)))
			.isInstanceOf(ProtocolException.class)
			.hasMessageContaining("response headers exceeded 2048 bytes (max-response-header-bytes)");
	}

	// Go: fixLength ("identical Content-Length values collapse")
	@Test
	void identicalDuplicateContentLengthsCollapseToOne() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex
			.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\nhello"));
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("hello");
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("hello");
			assertThat(server.acceptedConnections()).as("the connection stays usable").isEqualTo(1);
		}
	}

	// Go: readTransfer ("TE wins"), and RFC 9112 6.1: close after such a message
	@Test
	void transferEncodingWinsOverContentLengthAndTheConnectionIsNotReused() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.write(
				"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/"))).isEqualTo("hello");
			server.awaitClientClosed(1, WAIT);
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: (*chunkedReader).Read's errors in internal/chunked.go
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					chunk size that overflows      | 10000000000000000\\r\\nhello\\r\\n0\\r\\n\\r\\n      | overflows a long
					chunk size that is not hex     | zz\\r\\nhello\\r\\n0\\r\\n\\r\\n                      | does not start with a hexadecimal size
					chunk data without its CRLF    | 5\\r\\nhelloXX0\\r\\n\\r\\n                           | chunk data is not followed by CRLF
					""")
	void malformedChunkedBodiesAreRejectedAndTheConnectionClosed(String what, String chunks, String message)
			throws Exception {
		String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks.replace("\\r\\n", "\r\n");
		assertThat(rejection(response)).as(what)
			.isInstanceOf(ProtocolException.class)
			.hasMessageContaining("malformed chunked body")
			.hasMessageContaining(message);
	}

	@Test
	void trailersOverTheLimitAreRejectedAndTheConnectionClosed() throws Exception {
		String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n" + "X-Trailer: "
				+ "t".repeat(3000) + "\r\n\r\n";
		assertThat(rejection(response, Transport.builder().maxResponseHeaderBytes(1024)))
			.isInstanceOf(ProtocolException.class)
			.hasMessageContaining("response trailers exceeded 1024 bytes");
	}

	// Go: TestTransportPersistConnLeakShortBody, io.ErrUnexpectedEOF
	@Test
	void bodyShorterThanItsContentLengthIsAnErrorNotAShortBody() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
			ex.close();
		});
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(EOFException.class);
			assertThat(transport.stats().open()).isZero();
		}
	}

	// RFC 9112 5.2: obs-fold is replaced by a space, not refused
	@Test
	void obsoleteLineFoldingIsJoinedWithASpace() throws Exception {
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.write("HTTP/1.1 200 OK\r\nX-Folded: first\r\n   second\r\nContent-Length: 2\r\n\r\nok"));
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("/")))) {
			assertThat(response.headers().get("X-Folded")).isEqualTo("first second");
			assertThat(Fetch.readToEof(response)).isEqualTo("ok");
		}
	}

	// Go: TestTransportRejectsInvalidHeaders_h1 (refused before anything is sent)
	@Test
	void headerNamesAndValuesWithCrLfOrNulAreRejectedBeforeAnythingIsSent() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "never"))) {
			URI uri = server.uri("/");
			assertThatThrownBy(() -> Request.builder("GET", uri).header("X-Injected", "a\r\nEvil: yes"))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("X-Injected");
			assertThatThrownBy(() -> Request.builder("GET", uri).header("X-Nul", "a\u0000b"))
				.isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> Request.builder("GET", uri).header("X-Lf", "a\nb"))
				.isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> Request.builder("GET", uri).header("Bad\r\nName", "v"))
				.isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> Request.builder("GET", uri).header("Host", "example.com\r\nX: y"))
				.isInstanceOf(IllegalArgumentException.class);
			assertThat(server.acceptedConnections()).isZero();
		}
	}

	// Go: TestTransportEmptyMethod, validMethod
	@Test
	void invalidMethodTokensAreRejectedBeforeAnythingIsSent() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "never"))) {
			URI uri = server.uri("/");
			for (String method : new String[] { "", "GE T", "GET\r\n", "G(E)T", "GÉT" }) {
				assertThatThrownBy(() -> Request.builder(method, uri)).as(method)
					.isInstanceOf(IllegalArgumentException.class);
			}
			assertThat(server.acceptedConnections()).isZero();
		}
	}

	/**
	 * {@link URI} refuses whitespace and control characters, so such a target never
	 * reaches the transport; characters beyond ASCII, which it allows unescaped, are sent
	 * percent-encoded as UTF-8, as Go sends them.
	 */
	// Go: (*URL).RequestURI, validRequestTarget
	@Test
	void requestTargetsWithSpacesOrControlsCannotBeMadeAndNonAsciiIsPercentEncoded() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()));
				Transport transport = Transport.builder().build()) {
			assertThatThrownBy(() -> URI.create(server.url("/a b"))).isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> URI.create(server.url("/a\u0001b"))).isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> URI.create(server.url("/a\r\nHost: evil")))
				.isInstanceOf(IllegalArgumentException.class);
			assertThat(server.acceptedConnections()).isZero();
			assertThat(Fetch.text(transport, URI.create(server.url("/caf\u00e9?q=\u65e5"))))
				.isEqualTo("/caf%C3%A9?q=%E6%97%A5");
		}
	}

	private static Throwable rejection(String response) throws Exception {
		return rejection(response, Transport.builder());
	}

	/**
	 * Sends a GET to a server answering {@code response} and returns what the call (or
	 * the reading of its body) threw, once the connection is closed.
	 */
	private static Throwable rejection(String response, Transport.Builder builder) throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(response);
			// Keep the connection open: closing must be the client's doing.
			ex.hangUntil(new java.util.concurrent.CountDownLatch(1));
		}); Transport transport = builder.build()) {
			Throwable thrown = catchThrowable(() -> {
				try (Response r = transport.roundTrip(Request.get(server.uri("/")))) {
					r.body().readAllBytes();
				}
			});
			assertThat(thrown).as("the exchange fails").isNotNull();
			server.awaitClientClosed(1, WAIT);
			assertThat(transport.stats().open()).as("nothing kept in the pool").isZero();
			assertThat(thrown).isInstanceOf(IOException.class);
			return thrown;
		}
	}

}
