package dev.roundtrip.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.FakeNanoClock;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max-conn-lifetime} (issue #5, behaviour 1; DESIGN 2.1; Go #23427): a connection
 * older than this is neither reused nor returned to the pool, and an exchange in flight
 * on it is never cut.
 */
class ConnectionLifetimeTests {

	private static final Duration WAIT = Await.PROMPTLY;

	@Test
	void underSteadyLoadConnectionsAreReplacedAboutEveryLifetimeAndNoRequestFails() throws Exception {
		Duration lifetime = Duration.ofMillis(200);
		Duration interval = Duration.ofMillis(50);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok " + ex.target()));
				Transport transport = Transport.builder().maxConnLifetime(lifetime).listener(listener).build()) {
			long next = System.nanoTime();
			for (int i = 0; i < 30; i++) {
				// Pacing, not waiting for a condition: the load is one request every 50
				// ms at most.
				while (System.nanoTime() - next < 0) {
					LockSupport.parkNanos(next - System.nanoTime());
				}
				long start = System.nanoTime();
				assertThat(Fetch.text(transport, server.uri("/" + i))).isEqualTo("ok /" + i);
				next = start + interval.toNanos();
			}
			server.awaitRequests(30, WAIT);
			Map<Integer, Integer> perConnection = requestsPerConnection(server);
			// Requests start at least 50 ms apart and a connection is reused only while
			// younger than 200 ms:
			// at most one first use and four reuses (the fifth only if the dial itself
			// took a while).
			assertThat(perConnection).as("requests per connection").hasSizeGreaterThanOrEqualTo(6);
			assertThat(perConnection.values()).allMatch((n) -> n <= 5);
			int replaced = server.acceptedConnections() - 1;
			Await.until(() -> listener.events(RecordingListener.Kind.CLOSED).size() >= replaced, WAIT,
					() -> "a close event for each replaced connection: " + listener.events());
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.containsOnly(CloseReason.LIFETIME);
			for (int id = 1; id <= replaced; id++) {
				server.awaitClientClosed(id, WAIT);
			}
		}
	}

	@Test
	void onTheTransportClockEachConnectionServesExactlyTheRequestsOfItsLifetime() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder()
					.maxConnLifetime(Duration.ofMillis(200))
					.nanoClock(clock)
					.listener(listener)
					.build()) {
			for (int i = 0; i < 30; i++) {
				assertThat(Fetch.text(transport, server.uri("/" + i))).isEqualTo("ok");
				clock.advance(Duration.ofMillis(50));
			}
			// Used at 0, 50, 100 and 150 ms of age; at 200 ms it is too old.
			assertThat(requestsPerConnection(server).values()).containsExactly(4, 4, 4, 4, 4, 4, 4, 2);
			Await.until(() -> listener.events(RecordingListener.Kind.CLOSED).size() >= 7, WAIT,
					() -> "seven connections closed: " + listener.events());
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).extracting(RecordingListener.Event::reason)
				.containsOnly(CloseReason.LIFETIME);
		}
	}

	@Test
	void anExchangeWhoseBodyIsReadSlowlyPastTheLifetimeCompletesIntact() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		CountDownLatch second = new CountDownLatch(1);
		CountDownLatch third = new CountDownLatch(1);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/slow")) {
				ex.write(ServerExchange.head(200, 9) + "\r\n" + "abc");
				ex.stallUntil(second);
				ex.write("def");
				ex.stallUntil(third);
				ex.write("ghi");
			}
			else {
				ex.respond(200, "next");
			}
		});
				Transport transport = Transport.builder()
					.maxConnLifetime(Duration.ofMillis(200))
					.nanoClock(clock)
					.listener(listener)
					.build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/slow")))) {
				byte[] body = new byte[9];
				assertThat(response.body().readNBytes(body, 0, 3)).isEqualTo(3);
				clock.advance(Duration.ofSeconds(1));
				assertThat(transport.stats().active()).as("in flight, past its lifetime, still active").isEqualTo(1);
				second.countDown();
				assertThat(response.body().readNBytes(body, 3, 3)).isEqualTo(3);
				clock.advance(Duration.ofSeconds(1));
				third.countDown();
				assertThat(response.body().readNBytes(body, 6, 3)).isEqualTo(3);
				assertThat(response.body().read()).isEqualTo(-1);
				assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo("abcdefghi");
			}
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT)).isEqualTo(CloseReason.LIFETIME);
			server.awaitClientClosed(1, WAIT);
			assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("next");
			assertThat(server.request("/next").connectionId()).isEqualTo(2);
		}
	}

	@Test
	void noTimerCutsAnExchangeInFlightOnAConnectionPastItsLifetime() throws Exception {
		CountDownLatch rest = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, 6) + "\r\n" + "abc");
			ex.stallUntil(rest);
			ex.write("def");
		}); Transport transport = Transport.builder().maxConnLifetime(Duration.ofMillis(50)).build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/slow")))) {
				assertThat(response.body().readNBytes(3)).hasSize(3);
				Await.until(() -> oldestAge(transport).compareTo(Duration.ofMillis(200)) > 0, WAIT,
						"the connection to be well past its lifetime");
				assertThat(server.connection(1).isOpen()).isTrue();
				rest.countDown();
				assertThat(new String(response.body().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("def");
			}
			server.awaitClientClosed(1, WAIT);
		}
	}

	@Test
	void aConnectionPastItsLifetimeIsNotHandedToARequestWaitingForOne() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok " + ex.target()));
				Transport transport = Transport.builder()
					.maxConnLifetime(Duration.ofSeconds(1))
					.maxConnsPerHost(1)
					.nanoClock(clock)
					.listener(listener)
					.build()) {
			Response first = transport.roundTrip(Request.get(server.uri("/first")));
			Background<String> waiting = Background.start("waiting",
					() -> Fetch.text(transport, server.uri("/waiting")));
			Await.until(() -> transport.stats().waiting() == 1, WAIT, () -> "a waiter: " + transport.stats());
			clock.advance(Duration.ofSeconds(2));
			assertThat(Fetch.readToEof(first)).isEqualTo("ok /first");
			assertThat(waiting.get(WAIT)).isEqualTo("ok /waiting");
			assertThat(server.request("/waiting").connectionId()).isEqualTo(2);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT)).isEqualTo(CloseReason.LIFETIME);
		}
	}

	@Test
	void anIdleConnectionPastItsLifetimeIsClosedAndStatsNoLongerShowIt() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder()
					.maxConnLifetime(Duration.ofSeconds(1))
					.maxConnLifetimeJitter(Duration.ZERO)
					.nanoClock(clock)
					.listener(listener)
					.build()) {
			Fetch.text(transport, server.uri("/"));
			clock.advance(Duration.ofMillis(999));
			assertThat(transport.stats().idle()).isEqualTo(1);
			clock.advance(Duration.ofMillis(1));
			assertThat(transport.stats().idle()).isZero();
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT)).isEqualTo(CloseReason.LIFETIME);
			server.awaitClientClosed(1, WAIT);
		}
	}

	// By default each connection's lifetime is drawn from the last 10% before
	// max-conn-lifetime, so connections opened together do not all reconnect together.
	@Test
	void byDefaultConnectionsOpenedTogetherExpireWithinTheLastTenthOfTheLifetime() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		CountDownLatch release = new CountDownLatch(1);
		int connections = 16;
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.hangUntil(release)) {
				ex.respond(200, "ok");
			}
		});
				Transport transport = Transport.builder()
					.maxConnLifetime(Duration.ofSeconds(100))
					.idleConnTimeout(Duration.ZERO)
					.nanoClock(clock)
					.build()) {
			List<Background<String>> calls = new ArrayList<>();
			for (int i = 0; i < connections; i++) {
				calls.add(Background.start("fetch " + i, () -> Fetch.text(transport, server.uri("/"))));
			}
			Await.until(() -> server.requests().size() == connections, WAIT, () -> "all requests sent");
			release.countDown();
			for (Background<String> call : calls) {
				assertThat(call.get(WAIT)).isEqualTo("ok");
			}
			clock.advance(Duration.ofSeconds(90).minusNanos(1));
			assertThat(transport.stats().idle()).as("none before lifetime - 10%").isEqualTo(connections);
			clock.advance(Duration.ofSeconds(5));
			assertThat(transport.stats().idle()).as("some, not all, by the middle of the last 10%")
				.isBetween(1, connections - 1);
			clock.advance(Duration.ofSeconds(5).plusNanos(1));
			assertThat(transport.stats().idle()).as("all at the lifetime").isZero();
		}
	}

	// The pool drops an expired idle connection while a request looks for one; the
	// destination's bookkeeping
	// (its max-conns-per-host count, its idle stack, its stats) must carry on with the
	// replacement.
	@Test
	void maxConnsPerHostStillHoldsAfterAnExpiredIdleConnectionIsDroppedForARequest() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok " + ex.target()));
				Transport transport = Transport.builder()
					.maxConnLifetime(Duration.ofSeconds(1))
					.maxConnsPerHost(1)
					.nanoClock(clock)
					.build()) {
			Fetch.text(transport, server.uri("/1"));
			clock.advance(Duration.ofSeconds(2));
			Response held = transport.roundTrip(Request.get(server.uri("/2")));
			Background<String> third = Background.start("third", () -> Fetch.text(transport, server.uri("/3")));
			try {
				Await.until(() -> third.isDone() || waitingForASlot(transport), WAIT,
						() -> "the third request to wait for the one slot: " + transport.stats());
				assertThat(third.isDone()).as("the third request went ahead of max-conns-per-host=1").isFalse();
				assertThat(transport.stats().active()).isEqualTo(1);
			}
			finally {
				held.close();
			}
			assertThat(third.get(WAIT)).isEqualTo("ok /3");
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2, 2);
		}
	}

	// Seed, question 1: with no lifetime, a connection used more often than
	// idle-conn-timeout lives forever.
	@Test
	void withoutALifetimeAConnectionUsedMoreOftenThanTheIdleTimeoutIsKeptIndefinitely() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().nanoClock(clock).build()) {
			for (int i = 0; i < 60; i++) {
				Fetch.text(transport, server.uri("/" + i));
				clock.advance(Duration.ofSeconds(80));
			}
			assertThat(server.acceptedConnections()).isEqualTo(1);
			assertThat(transport.stats().destination(server.destination()).connections().get(0).age())
				.isGreaterThan(Duration.ofHours(1));
		}
	}

	private static Map<Integer, Integer> requestsPerConnection(ScriptedServer server) {
		Map<Integer, Integer> counts = new TreeMap<>();
		for (RecordedRequest request : server.requests()) {
			counts.merge(request.connectionId(), 1, Integer::sum);
		}
		return counts;
	}

	/**
	 * A request waits, and no dial runs for it: it waits for a max-conns-per-host slot.
	 */
	private static boolean waitingForASlot(Transport transport) {
		PoolStats stats = transport.stats();
		return stats.waiting() == 1 && stats.dialing() == 0;
	}

	private static Duration oldestAge(Transport transport) {
		List<Duration> ages = new ArrayList<>();
		for (PoolStats.DestinationStats destination : transport.stats().destinations()) {
			destination.connections().forEach((c) -> ages.add(c.age()));
		}
		return ages.stream().max(Duration::compareTo).orElse(Duration.ZERO);
	}

}
