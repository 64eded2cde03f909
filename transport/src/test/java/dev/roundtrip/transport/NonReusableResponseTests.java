package dev.roundtrip.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Responses that forbid reuse (issue #2, behaviour 8; DESIGN 2.3):
 * {@code Connection: close}, HTTP/1.0 without keep-alive, and a body delimited by the
 * connection's close. The client closes such a connection itself once the body is read
 * (the servers here never close first, except where closing is what ends the body, and
 * then they only half-close so the client's close is still seen), and the next request
 * gets a new one.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NonReusableResponseTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private final RecordingListener listener = new RecordingListener();

	// Go: TestTransportConnectionCloseOnResponse
	@Test
	void connectionCloseInTheResponsePreventsReuse() throws Exception {
		assertNotReused("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello", false);
	}

	@Test
	void http10ResponseWithoutKeepAlivePreventsReuse() throws Exception {
		assertNotReused("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", false);
	}

	// Go: TestIssue3644 (a large body delimited by close is read whole)
	@Test
	void bodyDelimitedByCloseIsReadWholeAndPreventsReuse() throws Exception {
		assertNotReused("HTTP/1.1 200 OK\r\n\r\n" + "foo ".repeat(5000), true);
	}

	/**
	 * The counterpart: HTTP/1.0 with {@code Connection: keep-alive} and a length may be
	 * reused.
	 */
	@Test
	void http10ResponseWithKeepAliveIsReused() throws Exception {
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.write("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello"));
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("hello");
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("hello");
			assertThat(server.request("/2").connectionId()).isEqualTo(1);
		}
	}

	/**
	 * {@code /1} gets {@code response}; then the server half-closes if {@code halfClose}
	 * (the end of a close-delimited body). The client must close connection 1 and send
	 * {@code /2} on connection 2.
	 */
	private void assertNotReused(String response, boolean halfClose) throws Exception {
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/1")) {
				ex.write(response);
				if (halfClose) {
					ex.shutdownOutput();
				}
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().listener(this.listener).build()) {
			Response first = transport.roundTrip(Request.get(server.uri("/1")));
			// Read to EOF, not closed: the transport must close the connection by itself.
			assertThat(Fetch.readToEof(first)).isEqualTo(body);

			server.awaitClientClosed(1, WAIT);
			assertThat(this.listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.RESPONSE_CLOSE);
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("/2");
			assertThat(server.request("/2").connectionId()).isEqualTo(2);
			assertThat(server.requestsOn(1)).hasSize(1);
			first.close();
		}
	}

}
