package dev.roundtrip.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle pool (issue #2, behaviour 2; DESIGN 2.2): a stack per destination, most
 * recently returned reused first; {@code max-idle-conns} closes the least recently used
 * idle connection anywhere; {@code max-idle-conns-per-host} closes the connection
 * returned above it.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdlePoolTests {

	private static final Duration WAIT = Await.PROMPTLY;

	/**
	 * Requests to {@code /hold/<name>} are answered with {@code <name>} once the test
	 * releases that name; any other request is answered at once with its target.
	 */
	private static final class HeldResponses {

		final Map<String, CountDownLatch> releases = new ConcurrentHashMap<>();

		ScriptedServer start() {
			return ScriptedServer.start((ex) -> {
				if (ex.target().startsWith("/hold/")) {
					String name = ex.target().substring("/hold/".length());
					ex.hangUntil(latch(name));
					ex.respond(200, name);
				}
				else {
					ex.respond(200, ex.target());
				}
			});
		}

		CountDownLatch latch(String name) {
			return this.releases.computeIfAbsent(name, (n) -> new CountDownLatch(1));
		}

		void release(String name) {
			latch(name).countDown();
		}

	}

	// Go: TestTransportPoolConnCannotReuseConnectionInUse (two at once use two
	// connections);
	// Go keeps idleConn[key] newest last and takes from that end (queueForIdleConn).
	@Test
	void mostRecentlyReturnedIdleConnectionIsReusedFirst() throws Exception {
		HeldResponses held = new HeldResponses();
		try (ScriptedServer server = held.start(); Transport transport = Transport.builder().build()) {
			// Two requests at once: two connections.
			Background<String> a = fetchInBackground(transport, server, "/hold/a");
			Background<String> b = fetchInBackground(transport, server, "/hold/b");
			server.awaitRequests(2, WAIT);
			int connA = server.request("/hold/a").connectionId();
			int connB = server.request("/hold/b").connectionId();
			assertThat(connA).isNotEqualTo(connB);

			// Return A, then B: B is on top of the stack.
			held.release("a");
			assertThat(a.get(WAIT)).isEqualTo("a");
			Await.until(() -> transport.stats().idle() == 1, WAIT, () -> "A idle: " + transport.stats());
			held.release("b");
			assertThat(b.get(WAIT)).isEqualTo("b");
			Await.until(() -> transport.stats().idle() == 2, WAIT, () -> "A and B idle: " + transport.stats());
			assertThat(Fetch.text(transport, server.uri("/next1"))).isEqualTo("/next1");
			assertThat(server.request("/next1").connectionId()).as("connection of the request after B returned last")
				.isEqualTo(connB);

			// The other way round: hold one request on each connection, return B's, then
			// A's.
			Background<String> c = fetchInBackground(transport, server, "/hold/c");
			Background<String> d = fetchInBackground(transport, server, "/hold/d");
			server.awaitRequests(5, WAIT);
			assertThat(server.acceptedConnections()).as("both held requests took idle connections").isEqualTo(2);
			String onB = (server.request("/hold/c").connectionId() == connB) ? "c" : "d";
			String onA = onB.equals("c") ? "d" : "c";
			assertThat(server.request("/hold/" + onA).connectionId()).isEqualTo(connA);
			held.release(onB);
			assertThat((onB.equals("c") ? c : d).get(WAIT)).isEqualTo(onB);
			Await.until(() -> transport.stats().idle() == 1, WAIT, () -> "B idle: " + transport.stats());
			held.release(onA);
			assertThat((onA.equals("c") ? c : d).get(WAIT)).isEqualTo(onA);
			Await.until(() -> transport.stats().idle() == 2, WAIT, () -> "A and B idle: " + transport.stats());
			assertThat(Fetch.text(transport, server.uri("/next2"))).isEqualTo("/next2");
			assertThat(server.request("/next2").connectionId()).as("connection of the request after A returned last")
				.isEqualTo(connA);
			assertThat(server.acceptedConnections()).isEqualTo(2);
		}
	}

	// Go: TestTransportMaxIdleConns
	@Test
	void maxIdleConnsClosesTheLeastRecentlyUsedIdleConnectionOfAnyDestination() throws Exception {
		RecordingListener listener = new RecordingListener();
		List<ScriptedServer> servers = new ArrayList<>();
		try (Transport transport = Transport.builder().maxIdleConns(4).listener(listener).build()) {
			for (int i = 0; i < 5; i++) {
				servers.add(ScriptedServer.start((ex) -> ex.respond(200, "ok")));
			}
			// Servers 1-4 each get an idle connection; then server 1 is used again, so
			// the least recently used is now server 2's, not the oldest connection.
			for (int i = 0; i < 4; i++) {
				assertThat(Fetch.text(transport, servers.get(i).uri("/"))).isEqualTo("ok");
			}
			assertThat(Fetch.text(transport, servers.get(0).uri("/again"))).isEqualTo("ok");
			assertThat(servers.get(0).acceptedConnections()).as("server 1's idle connection was reused").isEqualTo(1);
			assertThat(transport.stats().idle()).isEqualTo(4);

			// The fifth destination's connection comes back: one idle too many.
			assertThat(Fetch.text(transport, servers.get(4).uri("/"))).isEqualTo("ok");

			servers.get(1).awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(servers.get(1).connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.MAX_IDLE);
			Await.until(() -> transport.stats().idle() == 4, WAIT, () -> "4 idle: " + transport.stats());
			for (int i : new int[] { 0, 2, 3, 4 }) {
				assertThat(servers.get(i).connection(1).isOpen()).as("server " + (i + 1) + "'s connection is kept")
					.isTrue();
			}
			assertThat(transport.stats().destination(servers.get(1).destination())).as("server 2 has nothing pooled")
				.satisfiesAnyOf((stats) -> assertThat(stats).isNull(), (stats) -> assertThat(stats.idle()).isZero());
		}
		finally {
			servers.forEach(ScriptedServer::close);
		}
	}

	// Go: TestTransportMaxPerHostIdleConns,
	// TestTransportPoolClosesConnsPastMaxIdleConnsPerHost
	@Test
	void maxIdleConnsPerHostClosesTheConnectionReturnedAboveTheCap() throws Exception {
		HeldResponses held = new HeldResponses();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = held.start();
				Transport transport = Transport.builder().maxIdleConnsPerHost(2).listener(listener).build()) {
			List<Background<String>> calls = new ArrayList<>();
			for (String name : List.of("1", "2", "3")) {
				calls.add(fetchInBackground(transport, server, "/hold/" + name));
			}
			server.awaitRequests(3, WAIT);
			assertThat(server.acceptedConnections()).isEqualTo(3);

			held.release("1");
			assertThat(calls.get(0).get(WAIT)).isEqualTo("1");
			Await.until(() -> transport.stats().idle() == 1, WAIT, () -> "1 idle: " + transport.stats());
			held.release("2");
			assertThat(calls.get(1).get(WAIT)).isEqualTo("2");
			Await.until(() -> transport.stats().idle() == 2, WAIT, () -> "2 idle: " + transport.stats());
			held.release("3");
			assertThat(calls.get(2).get(WAIT)).isEqualTo("3");

			int third = server.request("/hold/3").connectionId();
			server.awaitClientClosed(third, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(third).clientPort(), WAIT))
				.isEqualTo(CloseReason.MAX_IDLE_PER_HOST);
			assertThat(server.connection(server.request("/hold/1").connectionId()).isOpen()).isTrue();
			assertThat(server.connection(server.request("/hold/2").connectionId()).isOpen()).isTrue();
			Await.until(() -> transport.stats().idle() == 2 && transport.stats().active() == 0, WAIT,
					() -> "2 idle, none active: " + transport.stats());
			PoolStats.DestinationStats stats = transport.stats().destination(server.destination());
			assertThat(stats).isNotNull();
			assertThat(stats.idle()).isEqualTo(2);
			assertThat(stats.maxIdleConnsPerHost()).isEqualTo(2);
		}
	}

	private static Background<String> fetchInBackground(Transport transport, ScriptedServer server, String path) {
		return Background.start("GET " + path, () -> Fetch.text(transport, server.uri(path)));
	}

}
