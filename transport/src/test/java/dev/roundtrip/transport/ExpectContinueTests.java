package dev.roundtrip.transport;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code Expect: 100-continue} as Go does it: the head is sent alone, and the body waits
 * for a {@code 100} (send it), {@code expect-continue-timeout} (send it), or a final
 * response (send it, unless the response or the request says {@code Connection: close}:
 * then skip it and close). Other 1xx responses are skipped, all within
 * {@code max-response-header-bytes}; 101 is final. The server here is raw, so the tests
 * see exactly which bytes arrived when.
 */
class ExpectContinueTests {

	private static final String BODY = "request body";

	private static final Duration WAIT = Await.PROMPTLY;

	private static final Duration NEVER = Duration.ofHours(1);

	private final List<String> events = new CopyOnWriteArrayList<>();

	// Go: TestTransportExpect100ContinueSent
	@Test
	void bodyIsSentOnlyAfter100Continue() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			List<String> head = conn.readHead();
			this.events.add("head, then " + conn.in().available() + " bytes at once");
			conn.write("HTTP/1.1 100 Continue\r\n\r\n");
			this.events.add("body " + new String(conn.readBytes(BODY.length()), StandardCharsets.UTF_8));
			conn.respond(200, "stored");
			this.events.add("expect " + RawServer.header(head, "Expect"));
		}); Transport transport = Transport.builder().expectContinueTimeout(NEVER).build()) {
			assertThat(Fetch.text(transport, put(server.uri("http", "/upload")))).isEqualTo("stored");
			Await.until(() -> this.events.size() == 3, WAIT, () -> "server done: " + this.events);
			assertThat(this.events).containsExactly("head, then 0 bytes at once", "body " + BODY,
					"expect 100-continue");
			assertThat(server.errors()).isEmpty();
		}
	}

	// Go: TestTransportExpect100Continue200ResponseNoConnClose,
	// TestTransportExpect100Continue500ResponseNoConnClose
	@Test
	void finalResponseInsteadOf100StillGetsTheBodyAndKeepsTheConnection() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.respond(500, "");
			this.events.add("body " + new String(conn.readBytes(BODY.length()), StandardCharsets.UTF_8));
			List<String> next = conn.readHead();
			this.events.add(next.get(0));
			conn.respond(200, "next on the same connection");
		}); Transport transport = Transport.builder().expectContinueTimeout(NEVER).build()) {
			try (Response response = transport.roundTrip(put(server.uri("http", "/upload")))) {
				assertThat(response.status()).isEqualTo(500);
			}
			assertThat(Fetch.text(transport, server.uri("http", "/next"))).isEqualTo("next on the same connection");
			Await.until(() -> this.events.size() == 2, WAIT, () -> "server done: " + this.events);
			assertThat(this.events).containsExactly("body " + BODY, "GET /next HTTP/1.1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	// Go: TestTransportExpect100Continue200ResponseWithConnClose
	@Test
	void finalResponseWithConnectionCloseSkipsTheBodyAndClosesTheConnection() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
			this.events.add("then " + conn.readUntilEof(WAIT).length + " bytes and EOF");
		}); Transport transport = Transport.builder().expectContinueTimeout(NEVER).build()) {
			try (Response response = transport.roundTrip(put(server.uri("http", "/upload")))) {
				assertThat(response.status()).isEqualTo(200);
			}
			Await.until(() -> this.events.size() == 1, WAIT, "the server to see EOF");
			assertThat(this.events).containsExactly("then 0 bytes and EOF");
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: (*persistConn).readLoop ("resp.Close || rc.treq.Request.Close": the request's
	// own Connection: close)
	@Test
	void requestWithConnectionCloseSkipsTheBodyWhenAFinalResponseComesFirst() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.respond(401, "who are you?");
			this.events.add("then " + conn.readUntilEof(WAIT).length + " bytes and EOF");
		}); Transport transport = Transport.builder().expectContinueTimeout(NEVER).build()) {
			Request request = put(server.uri("http", "/upload")).toBuilder().header("Connection", "close").build();
			try (Response response = transport.roundTrip(request)) {
				assertThat(response.status()).isEqualTo(401);
				assertThat(Fetch.readToEof(response)).isEqualTo("who are you?");
			}
			Await.until(() -> this.events.size() == 1, WAIT, "the server to see EOF");
			assertThat(this.events).containsExactly("then 0 bytes and EOF");
		}
	}

	/**
	 * The final answer came first and did not say close, so the body is sent; but the
	 * server closed without reading it and the write fails part-way. The answer already
	 * read is returned, and the connection is not reused.
	 */
	// Go: TestTransportPrefersResponseOverWriteError (after Expect: 100-continue)
	@Test
	void finalResponseThatCameFirstIsReturnedWhenTheBodyCannotBeSentAfterIt() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.respond(200, "no thanks");
			conn.close();
		}); Transport transport = Transport.builder().expectContinueTimeout(NEVER).build()) {
			Request request = Request.builder("PUT", server.uri("http", "/upload"))
				.header("Expect", "100-continue")
				.body(zeros(256L * 1024 * 1024))
				.build();
			try (Response response = transport.roundTrip(request)) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(Fetch.readToEof(response)).isEqualTo("no thanks");
			}
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: TestTransportExpect100Continue500ResponseTimeout
	@Test
	void bodyIsSentWhenExpectContinueTimeoutPasses() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			// The server never says 100: the client sends the body anyway, after its
			// timeout.
			this.events.add("body " + new String(conn.readBytes(BODY.length()), StandardCharsets.UTF_8));
			conn.respond(200, "got it");
		}); Transport transport = Transport.builder().expectContinueTimeout(Duration.ofMillis(50)).build()) {
			assertThat(Fetch.text(transport, put(server.uri("http", "/upload")))).isEqualTo("got it");
			assertThat(this.events).containsExactly("body " + BODY);
			assertThat(server.errors()).isEmpty();
		}
	}

	// Go: waitForContinue with ExpectContinueTimeout 0
	@Test
	void zeroExpectContinueTimeoutSendsTheBodyAtOnce() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			this.events.add("body " + new String(conn.readBytes(BODY.length()), StandardCharsets.UTF_8));
			conn.respond(200, "got it");
		}); Transport transport = Transport.builder().expectContinueTimeout(Duration.ZERO).build()) {
			assertThat(Fetch.text(transport, put(server.uri("http", "/upload")))).isEqualTo("got it");
			assertThat(this.events).containsExactly("body " + BODY);
			assertThat(server.errors()).isEmpty();
		}
	}

	// Go: TestTransportIgnore1xxResponses (while waiting for 100 Continue)
	@Test
	void otherInterimResponsesAreSkippedWhileWaitingFor100() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
			this.events.add("after 103: " + conn.in().available() + " bytes");
			conn.write("HTTP/1.1 100 Continue\r\n\r\n");
			this.events.add("body " + new String(conn.readBytes(BODY.length()), StandardCharsets.UTF_8));
			conn.respond(201, "created");
		});
				Transport transport = Transport.builder().expectContinueTimeout(NEVER).build();
				Response response = transport.roundTrip(put(server.uri("http", "/upload")))) {
			assertThat(response.status()).isEqualTo(201);
			assertThat(response.headers().contains("Link")).isFalse();
			assertThat(Fetch.readToEof(response)).isEqualTo("created");
			assertThat(this.events).containsExactly("after 103: 0 bytes", "body " + BODY);
		}
	}

	// Go: TestTransportIgnore1xxResponses
	@Test
	void interimResponsesAreSkippedWithoutExpectToo() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.write("HTTP/1.1 123 OneTwoThree\r\nFoo: bar\r\n\r\n"
					+ "HTTP/1.1 200 OK\r\nBar: baz\r\nContent-Length: 5\r\n\r\nHello");
			conn.readUntilEof(WAIT);
		});
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("http", "/")))) {
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.headers().contains("Foo")).isFalse();
			assertThat(response.headers().get("Bar")).isEqualTo("baz");
			assertThat(Fetch.readToEof(response)).isEqualTo("Hello");
		}
	}

	// Go: TestTransportLimits1xxResponses
	@Test
	void interimResponsesCountAgainstMaxResponseHeaderBytes() throws Exception {
		String interim = "HTTP/1.1 103 Early Hints\r\nLink: <" + "x".repeat(200) + ">\r\n\r\n";
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			try {
				for (int i = 0; i < 50; i++) {
					conn.write(interim);
				}
				conn.readUntilEof(WAIT);
			}
			catch (IOException resetByTheClient) {
				// The client closed while interim responses were still coming: that is
				// the point.
			}
			this.events.add("closed");
		}); Transport transport = Transport.builder().maxResponseHeaderBytes(4096).build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("http", "/"))))
				.isInstanceOf(ProtocolException.class)
				.hasMessageContaining("exceeded 4096 bytes (max-response-header-bytes)")
				.hasMessageContaining("interim");
			Await.until(() -> this.events.size() == 1, WAIT, "the server to see the connection closed");
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: TestTransportTreat101Terminal
	@Test
	void switchingProtocolsIsAFinalResponseAndItsConnectionIsNotReused() throws Exception {
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			conn.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n");
			this.events.add("EOF after " + conn.readUntilEof(WAIT).length + " bytes");
		}); Transport transport = Transport.builder().build()) {
			try (Response response = transport.roundTrip(Request.builder("GET", server.uri("http", "/"))
				.header("Upgrade", "foo")
				.header("Connection", "Upgrade")
				.build())) {
				assertThat(response.status()).isEqualTo(101);
				assertThat(response.body().read()).isEqualTo(-1);
			}
			Await.until(() -> this.events.size() == 1, WAIT, "the server to see the connection closed");
			assertThat(this.events).containsExactly("EOF after 0 bytes");
			assertThat(transport.stats().open()).isZero();
		}
	}

	/** {@code length} zero bytes, written 64 KiB at a time. */
	private static Request.Body zeros(long length) {
		return new Request.Body() {

			@Override
			public long contentLength() {
				return length;
			}

			@Override
			public void writeTo(java.io.OutputStream out) throws IOException {
				byte[] chunk = new byte[64 * 1024];
				for (long left = length; left > 0; left -= chunk.length) {
					out.write(chunk, 0, (int) Math.min(chunk.length, left));
				}
			}

		};
	}

	private static Request put(URI uri) {
		return Request.builder("PUT", uri).header("Expect", "100-continue").body(Request.Body.of(BODY)).build();
	}

}
