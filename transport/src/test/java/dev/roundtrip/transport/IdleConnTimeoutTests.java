package dev.roundtrip.transport;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.FakeNanoClock;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code idle-conn-timeout} and dead idle connections (issue #2, behaviour 5; DESIGN 2.2;
 * the seed's question 1): an idle connection is closed after the timeout; one reused more
 * often than the timeout is kept indefinitely; one in use is never closed by the timer;
 * one the server closed is never handed out.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleConnTimeoutTests {

	private static final Duration WAIT = Await.PROMPTLY;

	// Go: TestTransportIdleConnTimeout
	@Test
	void idleConnectionIsClosedAfterIdleConnTimeout() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()));
				Transport transport = Transport.builder()
					.idleConnTimeout(Duration.ofMillis(200))
					.listener(listener)
					.build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("/1");

			// Nothing else happens: the timer alone must close it.
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.IDLE_TIMEOUT);
			Await.until(() -> transport.stats().idle() == 0, WAIT, () -> "nothing idle: " + transport.stats());

			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("/2");
			assertThat(server.request("/2").connectionId()).isEqualTo(2);
		}
	}

	// Go: queueForIdleConn drops connections idle longer than IdleConnTimeout ("tooOld")
	@Test
	void connectionIdleLongerThanTheTimeoutOnTheTransportClockIsNotReused() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()));
				Transport transport = Transport.builder()
					.idleConnTimeout(Duration.ofMinutes(1))
					.nanoClock(clock)
					.listener(listener)
					.build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("/1");
			clock.advance(Duration.ofMinutes(2));

			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("/2");

			assertThat(server.request("/2").connectionId()).as("the expired connection was not handed out")
				.isEqualTo(2);
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.IDLE_TIMEOUT);
		}
	}

	// The seed's question 1: reuse more often than the timeout keeps the connection
	// forever.
	@Test
	void connectionReusedMoreOftenThanTheTimeoutIsKeptIndefinitely() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()));
				Transport transport = Transport.builder().idleConnTimeout(Duration.ofMillis(600)).build()) {
			for (int i = 1; i <= 25; i++) {
				assertThat(Fetch.text(transport, server.uri("/" + i))).isEqualTo("/" + i);
				// The load pattern under test: one request every 100 ms, four timeouts'
				// worth in all; the gap
				// is a sixth of the timeout so that a busy machine's pauses do not expire
				// the connection.
				Thread.sleep(100);
			}
			assertThat(server.requests()).extracting(RecordedRequest::connectionId).hasSize(25).containsOnly(1);
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void connectionReusedWithinTheTimeoutOnTheTransportClockIsKeptIndefinitely() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, ex.target()));
				Transport transport = Transport.builder()
					.idleConnTimeout(Duration.ofMillis(300))
					.nanoClock(clock)
					.build()) {
			for (int i = 1; i <= 15; i++) {
				clock.advance(Duration.ofMillis(100));
				assertThat(Fetch.text(transport, server.uri("/" + i))).isEqualTo("/" + i);
			}
			// 1.5 s on the transport's clock since the connection was made: only reuse
			// kept it.
			assertThat(server.requests()).extracting(RecordedRequest::connectionId).hasSize(15).containsOnly(1);
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void connectionWhoseBodyIsReadSlowlyIsNeverClosedByTheIdleTimer() throws Exception {
		String body = "0123456789";
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/slow")) {
				ex.write(ServerExchange.head(200, body.length()) + "\r\n");
				for (char c : body.toCharArray()) {
					// The pace under test: each byte arrives a whole idle timeout after
					// the last.
					ex.sleep(Duration.ofMillis(100));
					ex.write(String.valueOf(c));
				}
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().idleConnTimeout(Duration.ofMillis(100)).build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/slow")))) {
				assertThat(Fetch.readToEof(response)).isEqualTo(body);
			}
			assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("/next");
			assertThat(server.request("/next").connectionId()).isEqualTo(1);
		}
	}

	@Test
	void connectionInUseForLongerThanTheTimeoutOnTheTransportClockIsKept() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		CountDownLatch rest = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/slow")) {
				ex.write(ServerExchange.head(200, 2) + "\r\na");
				ex.hangUntil(rest);
				ex.write("b");
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().idleConnTimeout(Duration.ofSeconds(1)).nanoClock(clock).build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/slow")))) {
				InputStream in = response.body();
				assertThat(in.read()).isEqualTo('a');
				clock.advance(Duration.ofMinutes(10));
				assertThat(transport.stats().active()).isEqualTo(1);
				rest.countDown();
				assertThat(in.read()).isEqualTo('b');
				assertThat(in.read()).isEqualTo(-1);
			}
			assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("/next");
			assertThat(server.request("/next").connectionId()).isEqualTo(1);
		}
	}

	// Go: TestTransportRemovesDeadIdleConnections,
	// TestTransportServerClosingUnexpectedly.
	// Idle 100 ms or more, every request gets the full probe; sooner a GET gets only a
	// quick look and relies on the retry (IdleProbeTests).
	@Test
	void idleConnectionHalfClosedByTheServerIsNeverHandedOut() throws Exception {
		RecordingListener listener = new RecordingListener();
		FakeNanoClock clock = new FakeNanoClock();
		// The server answers, then sends FIN but keeps reading: had the transport sent
		// the next request on that connection, the server would record it there.
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.respond(200, ex.target());
			ex.shutdownOutput();
		}); Transport transport = Transport.builder().listener(listener).nanoClock(clock).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("/1");
			Await.until(() -> server.connection(1).outputShutdown(), WAIT, "the server to half-close");
			clock.advance(Duration.ofSeconds(1));

			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("/2");

			assertThat(server.requestsOn(1)).extracting(RecordedRequest::target)
				.as("requests attempted on the connection the server closed")
				.containsExactly("/1");
			assertThat(server.request("/2").connectionId()).isEqualTo(2);
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.SERVER_CLOSED);
		}
	}

	// Go: TestTransportRemovesDeadIdleConnections; a POST must not depend on a retry
	// (DESIGN 2.4)
	@Test
	void postAfterTheServerClosedTheIdleConnectionGoesOnANewConnection() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.respond(200, ex.target() + ":" + ex.bodyText());
			ex.close();
		}); Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, post(server, "/1", "one"))).isEqualTo("/1:one");
			Await.until(() -> server.connection(1).serverClosed(), WAIT, "the server to close");

			assertThat(Fetch.text(transport, post(server, "/2", "two"))).isEqualTo("/2:two");

			assertThat(server.request("/2").connectionId()).isEqualTo(2);
			assertThat(server.requests()).hasSize(2);
		}
	}

	private static Request post(ScriptedServer server, String path, String body) {
		return Request.builder("POST", server.uri(path)).body(Request.Body.of(body)).build();
	}

}
