package dev.roundtrip.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The limits on time of connecting and of waiting for response headers, each with its own
 * {@link TransportTimeoutException.Limit} and a message naming its setting; the
 * connection is closed when one fires.
 */
class TimeoutTests {

	private static final Duration WAIT = Await.PROMPTLY;

	// Go: TestTransportResponseHeaderTimeout
	@Test
	void responseHeaderTimeoutClosesTheConnectionAndSaysSo() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.hangUntil(never));
				Transport transport = Transport.builder().responseHeaderTimeout(Duration.ofMillis(100)).build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("/slow"))))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.RESPONSE_HEADER))
				.hasMessageContaining("No response headers")
				.hasMessageContaining("within 100 ms")
				.hasMessageContaining("(response-header-timeout)");
			server.awaitClientClosed(1, WAIT);
			assertThat(transport.stats().open()).isZero();
		}
	}

	/**
	 * The body takes three times the response-header timeout to write; the server answers
	 * as soon as it has it. Go starts the timer once the request is written, so this
	 * succeeds. (The body's pause is the scenario's pace, not a wait for a condition.)
	 */
	// Go: (*persistConn).roundTrip ("respHeaderTimer" armed after writeErrCh reports the
	// write done)
	@Test
	void responseHeaderTimeoutStartsOnceTheRequestIsWritten() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "got " + ex.bodyText()));
				Transport transport = Transport.builder().responseHeaderTimeout(Duration.ofMillis(100)).build()) {
			Request.Body slow = new Request.Body() {

				@Override
				public long contentLength() {
					return 10;
				}

				@Override
				public void writeTo(OutputStream out) throws IOException {
					out.write("slow ".getBytes());
					out.flush();
					try {
						Thread.sleep(300);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new IOException(ex);
					}
					out.write("body!".getBytes());
				}

			};
			assertThat(Fetch.text(transport, Request.builder("POST", server.uri("/")).body(slow).build()))
				.isEqualTo("got slow body!");
		}
	}

	/**
	 * A server that stops accepting, with its accept queue full, makes further connects
	 * hang (Linux drops the SYN), all on loopback.
	 */
	// Go: Dialer.Timeout (TestTransportDialCancelRace's setup)
	@Test
	void dialTimeoutSaysSo() throws Exception {
		try (ScriptedServer server = ScriptedServer.builder().backlog(1).start((ex) -> ex.respond(200, "late"));
				Transport transport = Transport.builder().dialTimeout(Duration.ofMillis(150)).build()) {
			server.pauseAccepting();
			try {
				server.fillAcceptQueue();
			}
			catch (IllegalStateException ex) {
				assumeTrue(false, "this kernel completes loopback handshakes beyond the backlog: " + ex.getMessage());
			}
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("/"))))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.DIAL))
				.hasMessageContaining("timed out after 150 ms (dial-timeout)");
			// A request's own connect timeout overrides the transport's.
			Request quick = Request.builder("GET", server.uri("/")).connectTimeout(Duration.ofMillis(50)).build();
			assertThatThrownBy(() -> transport.roundTrip(quick))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.DIAL))
				.hasMessageContaining("timed out after 50 ms");
			assertThat(transport.stats().open()).isZero();
			assertThat(transport.stats().dialing()).isZero();
		}
	}

	// Go: TestTransportTLSHandshakeTimeout
	@Test
	void tlsHandshakeTimeoutAgainstAServerThatNeverSpeaksTlsSaysSoAndLeavesNothingInThePool() throws Exception {
		try (RawServer server = RawServer.start((conn) -> conn.readUntilEof(WAIT));
				Transport transport = Transport.builder()
					.tlsHandshakeTimeout(Duration.ofMillis(150))
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("https", "/"))))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.TLS_HANDSHAKE))
				.hasMessageContaining("TLS handshake with https://127.0.0.1:" + server.port())
				.hasMessageContaining("timed out after 150 ms (tls-handshake-timeout)");
			Await.until(() -> server.connection(1).eofSeen(), WAIT, "the server to see the client close");
			assertThat(transport.stats().open()).isZero();
			assertThat(transport.stats().destinations()).isEmpty();
		}
	}

}
