package dev.roundtrip.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.FakeNanoClock;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much an idle connection is looked at before it carries a request. The full probe (a
 * non-blocking read) finds a server's close before anything is sent; it costs three
 * system calls, so a request that would be retried on a fresh connection anyway, taking a
 * connection idle less than 100 ms, gets only a look for bytes sent unasked, and meets a
 * close as Go's transport does: on the first read, and is sent once more. Requests that
 * could not be retried always get the full probe.
 *
 * <p>
 * Every server here answers, then half-closes (FIN) and keeps reading, so a request sent
 * on the closed connection is recorded there.
 */
class IdleProbeTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private static ScriptedServer answersThenHalfCloses() {
		return ScriptedServer.start((ex) -> {
			ex.respond(200, ex.method() + " " + ex.target() + " on " + ex.connectionId());
			ex.shutdownOutput();
		});
	}

	@Test
	void getWithin100MillisecondsOfIdleSkipsTheProbeAndIsRetriedOnceWhenTheServerHadClosed() throws Exception {
		RecordingListener listener = new RecordingListener();
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = answersThenHalfCloses();
				Transport transport = Transport.builder().listener(listener).nanoClock(clock).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Await.until(() -> server.connection(1).outputShutdown(), WAIT, "the server to half-close");
			clock.advance(Duration.ofMillis(99));

			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("GET /2 on 2");

			// The server has read all the client sent on it once it sees the close.
			server.awaitClientClosed(1, WAIT);
			assertThat(server.requestsOn(1)).extracting(RecordedRequest::target)
				.as("sent on the closed connection: not probed")
				.containsExactly("/1", "/2");
			assertThat(server.requestsOn(2)).extracting(RecordedRequest::target)
				.as("then once more, on a new one")
				.containsExactly("/2");
			assertThat(server.acceptedConnections()).isEqualTo(2);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.SERVER_CLOSED);
		}
	}

	@Test
	void getAfter100MillisecondsOfIdleIsProbedAndNeverSentOnTheClosedConnection() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = answersThenHalfCloses();
				Transport transport = Transport.builder().nanoClock(clock).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Await.until(() -> server.connection(1).outputShutdown(), WAIT, "the server to half-close");
			clock.advance(Duration.ofMillis(100));

			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("GET /2 on 2");

			// The server has read all the client sent on it once it sees the close.
			server.awaitClientClosed(1, WAIT);
			assertThat(server.requestsOn(1)).extracting(RecordedRequest::target).containsExactly("/1");
		}
	}

	@Test
	void postWithoutIdempotencyKeyIsProbedEvenRightAwayAndGoesOnAFreshConnection() throws Exception {
		try (ScriptedServer server = answersThenHalfCloses(); Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Await.until(() -> server.connection(1).outputShutdown(), WAIT, "the server to half-close");

			Request post = Request.builder("POST", server.uri("/order")).body(Request.Body.of("one pizza")).build();
			assertThat(Fetch.text(transport, post)).isEqualTo("POST /order on 2");

			// The server has read all the client sent on it once it sees the close.
			server.awaitClientClosed(1, WAIT);
			assertThat(server.requestsOn(1)).extracting(RecordedRequest::target)
				.as("never sent where it could not be retried from")
				.containsExactly("/1");
			assertThat(server.requests()).extracting(RecordedRequest::target)
				.as("sent exactly once")
				.containsExactly("/1", "/order");
		}
	}

	@Test
	void postWithAnIdempotencyKeyAndASmallBodyIsRetriedLikeAGet() throws Exception {
		try (ScriptedServer server = answersThenHalfCloses(); Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Await.until(() -> server.connection(1).outputShutdown(), WAIT, "the server to half-close");

			Request post = Request.builder("POST", server.uri("/order"))
				.header("Idempotency-Key", "7d3f")
				.body(Request.Body.of("one pizza"))
				.build();
			assertThat(Fetch.text(transport, post)).isEqualTo("POST /order on 2");

			// The server has read all the client sent on it once it sees the close.
			server.awaitClientClosed(1, WAIT);
			assertThat(server.requestsOn(1)).extracting(RecordedRequest::target).containsExactly("/1", "/order");
			assertThat(server.requestsOn(2).get(0).bodyText()).isEqualTo("one pizza");
		}
	}

	// A body the socket might not take in one write could fail part-way, which is
	// never retried: such a request is probed, even when replayable.
	@Test
	void replayableRequestWithALargeBodyIsProbed() throws Exception {
		try (ScriptedServer server = answersThenHalfCloses(); Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Await.until(() -> server.connection(1).outputShutdown(), WAIT, "the server to half-close");

			Request put = Request.builder("PUT", server.uri("/blob"))
				.header("Idempotency-Key", "7d3f")
				.body(Request.Body.of(new byte[64 * 1024]))
				.build();
			assertThat(Fetch.text(transport, put)).isEqualTo("PUT /blob on 2");

			// The server has read all the client sent on it once it sees the close.
			server.awaitClientClosed(1, WAIT);
			assertThat(server.requestsOn(1)).extracting(RecordedRequest::target).containsExactly("/1");
		}
	}

}
