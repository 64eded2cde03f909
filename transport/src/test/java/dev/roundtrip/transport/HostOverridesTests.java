package dev.roundtrip.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.FakeNanoClock;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code hosts.[host:port].*} (issue #5, behaviour 5; DESIGN 2.1): per destination
 * overrides of {@code max-conns-per-host}, {@code max-idle-conns-per-host},
 * {@code idle-conn-timeout}, {@code max-conn-lifetime} and
 * {@code response-header-timeout}, each tested with two servers holding different limits
 * at once.
 */
class HostOverridesTests {

	private static final Duration WAIT = Await.PROMPTLY;

	@Test
	void maxConnsPerHostIsEnforcedSeparatelyForTwoHostsAtOnce() throws Exception {
		CountDownLatch releaseA = new CountDownLatch(1);
		CountDownLatch releaseB = new CountDownLatch(1);
		try (ScriptedServer a = holdingServer(releaseA);
				ScriptedServer b = holdingServer(releaseB);
				Transport transport = Transport.builder()
					.host(key(a), HostSettings.INHERIT.withMaxConnsPerHost(1))
					.host(key(b), HostSettings.INHERIT.withMaxConnsPerHost(2))
					.build()) {
			List<Background<String>> calls = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				calls.add(fetchInBackground(transport, a, "/a" + i));
				calls.add(fetchInBackground(transport, b, "/b" + i));
			}
			// Stable once reached: the served requests hang, the others wait for a slot
			// with no dial running.
			Await.until(
					() -> a.requests().size() == 1 && b.requests().size() == 2 && waitingForASlot(transport, a, 2)
							&& waitingForASlot(transport, b, 1),
					WAIT, () -> "2 waiting for A, 1 for B: " + transport.stats());
			assertThat(a.acceptedConnections()).isEqualTo(1);
			assertThat(b.acceptedConnections()).isEqualTo(2);
			PoolStats.DestinationStats statsA = transport.stats().destination(a.destination());
			PoolStats.DestinationStats statsB = transport.stats().destination(b.destination());
			assertThat(statsA.maxConnsPerHost()).isEqualTo(1);
			assertThat(statsB.maxConnsPerHost()).isEqualTo(2);
			releaseA.countDown();
			releaseB.countDown();
			for (Background<String> call : calls) {
				assertThat(call.get(WAIT)).startsWith("ok /");
			}
			assertThat(a.acceptedConnections()).isEqualTo(1);
			assertThat(b.acceptedConnections()).isEqualTo(2);
		}
	}

	@Test
	void maxIdleConnsPerHostIsEnforcedSeparatelyForTwoHostsAtOnce() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer a = holdingServer(release);
				ScriptedServer b = holdingServer(release);
				Transport transport = Transport.builder()
					.maxIdleConnsPerHost(2)
					.host(key(a), HostSettings.INHERIT.withMaxIdleConnsPerHost(1))
					.host(key(b), HostSettings.INHERIT.withMaxIdleConnsPerHost(3))
					.listener(listener)
					.build()) {
			List<Background<String>> calls = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				calls.add(fetchInBackground(transport, a, "/a" + i));
				calls.add(fetchInBackground(transport, b, "/b" + i));
			}
			a.awaitRequests(3, WAIT);
			b.awaitRequests(3, WAIT);
			release.countDown();
			for (Background<String> call : calls) {
				assertThat(call.get(WAIT)).startsWith("ok /");
			}
			assertThat(transport.stats().destination(a.destination()).idle()).isEqualTo(1);
			assertThat(transport.stats().destination(b.destination()).idle()).isEqualTo(3);
			assertThat(transport.stats().destination(a.destination()).maxIdleConnsPerHost()).isEqualTo(1);
			Await.until(() -> listener.events(RecordingListener.Kind.CLOSED).size() == 2, WAIT,
					() -> "two of A's connections closed: " + listener.events());
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.containsOnly(CloseReason.MAX_IDLE_PER_HOST);
			assertThat(listener.events(RecordingListener.Kind.CLOSED))
				.allMatch((e) -> e.destination().equals(a.destination()));
		}
	}

	@Test
	void aNegativeMaxIdleConnsPerHostOverrideTurnsPoolingOffForThatHostOnly() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer a = okServer();
				ScriptedServer b = okServer();
				Transport transport = Transport.builder()
					.host(key(a), HostSettings.INHERIT.withMaxIdleConnsPerHost(-1))
					.listener(listener)
					.build()) {
			for (int i = 0; i < 3; i++) {
				Fetch.text(transport, a.uri("/" + i));
				Fetch.text(transport, b.uri("/" + i));
			}
			assertThat(a.connectionIdsOfRequests()).containsExactly(1, 2, 3);
			assertThat(b.connectionIdsOfRequests()).containsExactly(1, 1, 1);
			for (int id = 1; id <= 3; id++) {
				assertThat(listener.awaitCloseOf(a.connection(id).clientPort(), WAIT))
					.isEqualTo(CloseReason.KEEP_ALIVES_DISABLED);
			}
		}
	}

	@Test
	void idleConnTimeoutIsEnforcedSeparatelyForTwoHostsAtOnce() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer a = okServer();
				ScriptedServer b = okServer();
				Transport transport = Transport.builder()
					.nanoClock(clock)
					.host(key(a), HostSettings.INHERIT.withIdleConnTimeout(Duration.ofSeconds(1)))
					.host(key(b), HostSettings.INHERIT.withIdleConnTimeout(Duration.ofSeconds(10)))
					.build()) {
			Fetch.text(transport, a.uri("/1"));
			Fetch.text(transport, b.uri("/1"));
			clock.advance(Duration.ofSeconds(2));
			assertThat(idle(transport, a)).isZero();
			assertThat(idle(transport, b)).isEqualTo(1);
			a.awaitClientClosed(1, WAIT);
			Fetch.text(transport, a.uri("/2"));
			Fetch.text(transport, b.uri("/2"));
			assertThat(a.connectionIdsOfRequests()).containsExactly(1, 2);
			assertThat(b.connectionIdsOfRequests()).containsExactly(1, 1);
		}
	}

	@Test
	void maxConnLifetimeIsEnforcedSeparatelyForTwoHostsAtOnceAndZeroOverridesItAway() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer a = okServer();
				ScriptedServer b = okServer();
				Transport transport = Transport.builder()
					.nanoClock(clock)
					.maxConnLifetime(Duration.ofSeconds(1))
					.host(key(b), HostSettings.INHERIT.withMaxConnLifetime(Duration.ZERO))
					.build()) {
			for (int i = 0; i < 3; i++) {
				Fetch.text(transport, a.uri("/" + i));
				Fetch.text(transport, b.uri("/" + i));
				clock.advance(Duration.ofSeconds(2));
			}
			assertThat(a.connectionIdsOfRequests()).as("A inherits a 1 s lifetime").containsExactly(1, 2, 3);
			assertThat(b.connectionIdsOfRequests()).as("B has none").containsExactly(1, 1, 1);
		}
	}

	@Test
	void responseHeaderTimeoutIsEnforcedSeparatelyForTwoHostsAtOnce() throws Exception {
		try (ScriptedServer a = slowServer(Duration.ofMillis(400));
				ScriptedServer b = slowServer(Duration.ofMillis(400));
				Transport overridden = Transport.builder()
					.host(key(a), HostSettings.INHERIT.withResponseHeaderTimeout(Duration.ofMillis(100)))
					.build();
				Transport inherited = Transport.builder()
					.responseHeaderTimeout(Duration.ofMillis(100))
					.host(key(b), HostSettings.INHERIT.withResponseHeaderTimeout(Duration.ZERO))
					.build()) {
			Background<String> bOnOverridden = fetchInBackground(overridden, b, "/b1");
			Background<String> bOnInherited = fetchInBackground(inherited, b, "/b2");
			assertThatExceptionOfType(TransportTimeoutException.class)
				.isThrownBy(() -> Fetch.text(overridden, a.uri("/a1")))
				.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.RESPONSE_HEADER));
			assertThatExceptionOfType(TransportTimeoutException.class)
				.isThrownBy(() -> Fetch.text(inherited, a.uri("/a2")))
				.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.RESPONSE_HEADER));
			assertThat(bOnOverridden.get(WAIT)).isEqualTo("ok /b1");
			assertThat(bOnInherited.get(WAIT)).isEqualTo("ok /b2");
		}
	}

	// Host names are case-insensitive; the pool lower-cases them, so a key must match in
	// any case.
	@Test
	void aHostKeyMatchesTheHostInAnyCase() throws Exception {
		try (ScriptedServer server = okServer();
				Transport transport = Transport.builder()
					.host("LocalHost:" + server.port(), HostSettings.INHERIT.withMaxConnsPerHost(1))
					.build()) {
			Response held = transport.roundTrip(Request.get("http://localhost:" + server.port() + "/"));
			try {
				Destination destination = new Destination("http", "localhost", server.port(), null, null);
				assertThat(transport.stats().destination(destination).maxConnsPerHost()).isEqualTo(1);
			}
			finally {
				held.close();
			}
		}
	}

	private static String key(ScriptedServer server) {
		return "127.0.0.1:" + server.port();
	}

	private static ScriptedServer okServer() {
		return ScriptedServer.start((ex) -> ex.respond(200, "ok " + ex.target()));
	}

	/** Answers each request once {@code release} is counted down. */
	private static ScriptedServer holdingServer(CountDownLatch release) {
		return ScriptedServer.start((ex) -> {
			if (ex.hangUntil(release)) {
				ex.respond(200, "ok " + ex.target());
			}
		});
	}

	private static ScriptedServer slowServer(Duration delay) {
		return ScriptedServer.start((ex) -> {
			ex.sleep(delay);
			ex.respond(200, "ok " + ex.target());
		});
	}

	private static Background<String> fetchInBackground(Transport transport, ScriptedServer server, String path) {
		return Background.start("fetch " + path, () -> Fetch.text(transport, server.uri(path)));
	}

	private static boolean waitingForASlot(Transport transport, ScriptedServer server, int requests) {
		PoolStats.DestinationStats stats = transport.stats().destination(server.destination());
		return stats != null && stats.waiting() == requests && stats.dialing() == 0;
	}

	private static int idle(Transport transport, ScriptedServer server) {
		PoolStats.DestinationStats stats = transport.stats().destination(server.destination());
		return (stats != null) ? stats.idle() : 0;
	}

}
