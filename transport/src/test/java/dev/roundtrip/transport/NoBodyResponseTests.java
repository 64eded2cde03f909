package dev.roundtrip.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Responses without a body (issue #2, behaviour 8; DESIGN 2.3; GO-TRANSPORT "When a
 * connection is not reused"): HEAD, 204, 304, {@code Content-Length: 0}, and the 1xx
 * responses before a final one have no body, so the connection goes back at once: the
 * next request reuses it although the first {@link Response} is never read nor closed.
 *
 * <p>
 * The server answers {@code /first} with the scripted bytes and everything else with its
 * target.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NoBodyResponseTests {

	private static final Duration WAIT = Await.PROMPTLY;

	// Go: TestTransportHeadResponses
	@Test
	void headResponseWithContentLengthReturnsTheConnectionAtOnce() throws Exception {
		assertReusedWithoutTouchingTheFirstResponse("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\n",
				(head) -> {
					assertThat(head.headers().get("Content-Length")).isEqualTo("123");
					assertThat(head.body().read()).isEqualTo(-1);
				});
	}

	// Go: TestTransportHeadChunkedResponse
	@Test
	void headResponseSayingChunkedReturnsTheConnectionAtOnce() throws Exception {
		assertReusedWithoutTouchingTheFirstResponse("HEAD", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
				(head) -> assertThat(head.body().read()).isEqualTo(-1));
	}

	@Test
	void noContentResponseReturnsTheConnectionAtOnce() throws Exception {
		assertReusedWithoutTouchingTheFirstResponse("GET", "HTTP/1.1 204 No Content\r\n\r\n", (response) -> {
			assertThat(response.status()).isEqualTo(204);
			assertThat(response.body().read()).isEqualTo(-1);
		});
	}

	// Go: TestNoBodyOnChunked304Response; a 304's Content-Length describes the
	// representation, not a body
	@Test
	void notModifiedResponseReturnsTheConnectionAtOnceWhateverItsFramingHeadersSay() throws Exception {
		assertReusedWithoutTouchingTheFirstResponse("GET",
				"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\nETag: \"x\"\r\n\r\n", (response) -> {
					assertThat(response.status()).isEqualTo(304);
					assertThat(response.body().read()).isEqualTo(-1);
				});
	}

	// Go: TestTransportReuseConnEmptyResponseBody; GO-TRANSPORT: "responses with no body
	// (HEAD,
	// Content-Length 0, 204, 304) return the connection before the caller even sees the
	// response"
	@Test
	void emptyContentLengthResponseReturnsTheConnectionAtOnce() throws Exception {
		assertReusedWithoutTouchingTheFirstResponse("GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
				(response) -> assertThat(response.body().read()).isEqualTo(-1));
	}

	// Go: TestTransportIgnore1xxResponses
	@Test
	void informationalResponsesAreSkippedAndHaveNoBody() throws Exception {
		assertReusedWithoutTouchingTheFirstResponse("GET",
				"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + "HTTP/1.1 100 Continue\r\n\r\n"
						+ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Final: yes\r\n\r\n",
				(response) -> {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.headers().get("X-Final")).isEqualTo("yes");
					assertThat(response.body().read()).isEqualTo(-1);
				});
	}

	// Go: TestTransportIgnore1xxResponses
	@Test
	void earlyHintsBeforeAFinalResponseWithABodyAreSkipped() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/first")) {
				ex.write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
				ex.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/first")))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(Fetch.readToEof(response)).isEqualTo("hello");
			}
			assertThat(Fetch.text(transport, server.uri("/second"))).isEqualTo("/second");
			assertThat(server.request("/second").connectionId()).isEqualTo(1);
		}
	}

	/**
	 * Sends {@code method /first}, answered with {@code response}; without reading or
	 * closing that response, GETs {@code /second}, which must arrive on the same
	 * connection and get its own answer. Then runs {@code checks} on the first response.
	 */
	private static void assertReusedWithoutTouchingTheFirstResponse(String method, String response,
			ResponseCheck checks) throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/first")) {
				ex.write(response);
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().build()) {
			Response first = transport.roundTrip(Request.builder(method, server.uri("/first")).build());

			assertThat(Fetch.text(transport, server.uri("/second"))).as("the next response").isEqualTo("/second");

			server.awaitRequests(2, WAIT);
			assertThat(server.request("/second").connectionId()).as("connection of the next request").isEqualTo(1);
			assertThat(server.acceptedConnections()).isEqualTo(1);
			assertThat(server.request("/first").method()).isEqualTo(method);
			checks.check(first);
		}
	}

	@FunctionalInterface
	private interface ResponseCheck {

		void check(Response response) throws Exception;

	}

}
