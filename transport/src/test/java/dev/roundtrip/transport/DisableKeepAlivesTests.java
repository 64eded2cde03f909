package dev.roundtrip.transport;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code disable-keep-alives} (issue #2, behaviour 7; DESIGN 2.3; the seed's cases 3-5
 * and 3-6): every request says {@code Connection: close} and has its own connection,
 * which the client closes as soon as the body hits EOF or is closed, without waiting for
 * the server to close first.
 *
 * <p>
 * The servers here ignore the request's {@code Connection: close} and never close on
 * their own, so a connection the server sees closed was closed by the client.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DisableKeepAlivesTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private final CountDownLatch release = new CountDownLatch(1);

	private final RecordingListener listener = new RecordingListener();

	@AfterEach
	void releaseServer() {
		this.release.countDown();
	}

	private Transport transport() {
		return Transport.builder().disableKeepAlives(true).listener(this.listener).build();
	}

	// Go: TestTransportConnectionCloseOnRequestDisableKeepAlive
	@Test
	void everyRequestSaysConnectionClose() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = transport()) {
			Fetch.text(transport, server.uri("/1"));
			Fetch.text(transport, server.uri("/2"));
			assertThat(server.awaitRequests(2, WAIT)).allSatisfy(
					(request) -> assertThat(request.hasToken("Connection", "close")).as(request.toString()).isTrue());
		}
	}

	// Go: TestTransportKeepAlives (disableKeepAlive=true),
	// TestTransportPoolDisableKeepAlives
	@Test
	void eachConnectionIsClosedByTheClientAsSoonAsTheBodyHitsEof() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()));
				Transport transport = transport()) {
			for (int i = 1; i <= 3; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
				// Read to EOF and never closed: EOF alone must close the connection.
				assertThat(Fetch.readToEof(response)).isEqualTo("/" + i);
				server.awaitClientClosed(i, WAIT);
				assertThat(this.listener.awaitCloseOf(server.connection(i).clientPort(), WAIT))
					.isEqualTo(CloseReason.KEEP_ALIVES_DISABLED);
			}
			assertThat(server.requests()).extracting(RecordedRequest::connectionId).containsExactly(1, 2, 3);
			assertThat(server.openConnections()).isZero();
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void connectionIsClosedByTheClientWhenTheBodyIsClosedBeforeEof() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, 1000) + "\r\n" + "x".repeat(10));
			ex.hangUntil(this.release);
		}); Transport transport = transport()) {
			Response response = transport.roundTrip(Request.get(server.uri("/")));
			assertThat(response.body().read()).isEqualTo('x');
			response.close();

			server.awaitClientClosed(1, WAIT);
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void emptyBodyResponseClosesTheConnectionAtOnce() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.write("HTTP/1.1 204 No Content\r\n\r\n"));
				Transport transport = transport()) {
			Response response = transport.roundTrip(Request.get(server.uri("/")));
			assertThat(response.status()).isEqualTo(204);
			// Neither read nor closed: there is nothing to wait for.
			server.awaitClientClosed(1, WAIT);
			response.close();
		}
	}

	// The seed, case 3-6 (Go leaves such sockets in CLOSE_WAIT): the server closes first;
	// the client must follow.
	@Test
	void connectionTheServerClosedIsNotLeftHalfOpen() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.respond(200, ex.target(), "Connection: close");
			ex.shutdownOutput();
		}); Transport transport = transport()) {
			Response response = transport.roundTrip(Request.get(server.uri("/")));
			assertThat(Fetch.readToEof(response)).isEqualTo("/");
			server.awaitClientClosed(1, WAIT);
		}
	}

}
