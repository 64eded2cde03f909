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
import dev.roundtrip.transport.testing.RecordingListener.Kind;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The pool's features past Go, end to end through a {@link Transport} and a loopback
 * server: what reaches the server, and what the caller sees.
 */
class PoolFeaturesTests {

	private static final Duration WAIT = Await.PROMPTLY;

	@Test
	void failFastPoolWaitRefusesARequestForAFullHostWithoutSendingIt() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer server = holdingServer(release);
				Transport transport = Transport.builder()
					.host(key(server), HostSettings.INHERIT.withMaxConnsPerHost(1).withPoolWaitTimeout(Duration.ZERO))
					.build()) {
			Background<String> first = fetchInBackground(transport, server, "/1");
			Await.until(() -> server.requests().size() == 1, WAIT, () -> "the first request is in flight");
			assertThatExceptionOfType(TransportTimeoutException.class)
				.isThrownBy(() -> Fetch.text(transport, server.uri("/2")))
				.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.POOL_WAIT))
				.withMessageContaining("pool-wait-timeout is 0");
			release.countDown();
			assertThat(first.get(WAIT)).isEqualTo("ok /1");
			assertThat(server.requests()).as("the refused request was never sent").hasSize(1);
			assertThat(Fetch.text(transport, server.uri("/3"))).isEqualTo("ok /3");
		}
	}

	@Test
	void poolWaitTimeoutEndsAWaitThatOutlastsIt() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer server = holdingServer(release);
				Transport transport = Transport.builder()
					.maxConnsPerHost(1)
					.poolWaitTimeout(Duration.ofMillis(100))
					.build()) {
			Background<String> first = fetchInBackground(transport, server, "/1");
			Await.until(() -> server.requests().size() == 1, WAIT, () -> "the first request is in flight");
			assertThatExceptionOfType(TransportTimeoutException.class)
				.isThrownBy(() -> Fetch.text(transport, server.uri("/2")))
				.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.POOL_WAIT));
			release.countDown();
			assertThat(first.get(WAIT)).isEqualTo("ok /1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	@Test
	void requestsBeyondMaxPendingPerHostAreRejectedAndTheQueuedOnesServed() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = holdingServer(release);
				Transport transport = Transport.builder()
					.maxConnsPerHost(1)
					.maxPendingPerHost(1)
					.listener(listener)
					.build()) {
			Background<String> first = fetchInBackground(transport, server, "/1");
			Await.until(() -> server.requests().size() == 1, WAIT, () -> "the first request is in flight");
			Background<String> second = fetchInBackground(transport, server, "/2");
			Await.until(() -> transport.stats().waiting() == 1, WAIT, () -> "the second waits: " + transport.stats());
			assertThatExceptionOfType(PoolFullException.class).isThrownBy(() -> Fetch.text(transport, server.uri("/3")))
				.withMessageContaining(server.destination().toString())
				.withMessageContaining("max-pending-per-host is 1");
			assertThat(listener.events(Kind.ACQUIRE_FAILED)).singleElement()
				.satisfies((event) -> assertThat(event.failure()).isEqualTo(TransportListener.AcquireFailure.REJECTED));
			release.countDown();
			assertThat(first.get(WAIT)).isEqualTo("ok /1");
			assertThat(second.get(WAIT)).isEqualTo("ok /2");
			assertThat(server.requests()).hasSize(2);
		}
	}

	@Test
	void maxRequestsPerConnClosesEachConnectionAfterThatManyExchanges() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = okServer();
				Transport transport = Transport.builder().maxRequestsPerConn(2).listener(listener).build()) {
			for (int i = 1; i <= 5; i++) {
				assertThat(Fetch.text(transport, server.uri("/" + i))).isEqualTo("ok /" + i);
			}
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 2, 2, 3);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.MAX_REQUESTS);
			assertThat(listener.awaitCloseOf(server.connection(2).clientPort(), WAIT))
				.isEqualTo(CloseReason.MAX_REQUESTS);
			server.awaitClientClosed(1, WAIT);
		}
	}

	@Test
	void fifoIdleOrderSpreadsRequestsOverEveryConnection() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (!ex.target().startsWith("/open") || ex.hangUntil(release)) {
				ex.respond(200, "ok " + ex.target());
			}
		});
				Transport lifo = Transport.builder().build();
				Transport fifo = Transport.builder().idleOrder(IdleOrder.FIFO).build()) {
			List<Background<String>> opening = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				opening.add(Background.start("open " + i, () -> Fetch.text(fifo, server.uri("/open"))));
			}
			Await.until(() -> server.requests().size() == 3, WAIT, () -> "three connections open");
			release.countDown();
			for (Background<String> call : opening) {
				call.get(WAIT);
			}
			for (int i = 0; i < 6; i++) {
				Fetch.text(fifo, server.uri("/" + i));
			}
			List<Integer> ids = server.connectionIdsOfRequests();
			List<Integer> sequential = ids.subList(3, 9);
			assertThat(sequential).as("each of the three twice, in turn")
				.containsExactlyElementsOf(List.of(sequential.get(0), sequential.get(1), sequential.get(2),
						sequential.get(0), sequential.get(1), sequential.get(2)));
			assertThat(sequential.subList(0, 3)).doesNotHaveDuplicates();
			for (int i = 0; i < 3; i++) {
				Fetch.text(lifo, server.uri("/lifo" + i));
			}
			List<Integer> lifoIds = server.connectionIdsOfRequests().subList(9, 12);
			assertThat(lifoIds).as("LIFO with one connection stays on it").containsOnly(lifoIds.get(0));
		}
	}

	@Test
	void warmConnectionsOpenAtTheFirstRequestAndOutliveTheIdleTimeout() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = okServer();
				Transport transport = Transport.builder()
					.nanoClock(clock)
					.idleConnTimeout(Duration.ofSeconds(30))
					.host(key(server), HostSettings.INHERIT.withMinIdleConns(3))
					.build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("ok /1");
			Await.until(() -> server.acceptedConnections() == 3 && transport.stats().idle() == 3, WAIT,
					() -> "three connections: " + transport.stats());
			assertThat(transport.stats().destination(server.destination()).minIdleConns()).isEqualTo(3);
			clock.advance(Duration.ofHours(1));
			assertThat(transport.stats().idle()).as("exempt from the idle timeout").isEqualTo(3);
			for (int i = 2; i <= 4; i++) {
				Fetch.text(transport, server.uri("/" + i));
			}
			assertThat(server.acceptedConnections()).as("the next requests need no dial").isEqualTo(3);
		}
	}

	@Test
	void warmConnectionsOfPort443AreDialedWhenTheTransportStarts() throws Exception {
		RecordingListener listener = new RecordingListener();
		Destination destination = new Destination("https", "127.0.0.1", 443, null, null);
		try (Transport transport = Transport.builder()
			.host("127.0.0.1:443", HostSettings.INHERIT.withMinIdleConns(2))
			.dialTimeout(Duration.ofSeconds(2))
			.listener(listener)
			.build()) {
			listener.await((event) -> event.kind() == Kind.DIAL_STARTED
					&& event.destination().authority().equals(destination.authority())
					&& event.destination().scheme().equals("https"), WAIT, "a dial to https://127.0.0.1:443");
			assertThat(listener.events(Kind.WAITING)).as("no request was made").isEmpty();
			PoolStats.DestinationStats stats = transport.stats()
				.destinations()
				.stream()
				.filter((d) -> d.destination().authority().equals("127.0.0.1:443"))
				.findFirst()
				.orElseThrow();
			assertThat(stats.minIdleConns()).isEqualTo(2);
		}
	}

	private static String key(ScriptedServer server) {
		return "127.0.0.1:" + server.port();
	}

	private static ScriptedServer okServer() {
		return ScriptedServer.start((ex) -> ex.respond(200, "ok " + ex.target()));
	}

	private static ScriptedServer holdingServer(CountDownLatch release) {
		return ScriptedServer.start((ex) -> {
			if (ex.hangUntil(release)) {
				ex.respond(200, "ok " + ex.target());
			}
		});
	}

	private static Background<String> fetchInBackground(Transport transport, ScriptedServer server, String path) {
		return Background.start("fetch " + path, () -> Fetch.text(transport, server.uri(path)));
	}

}
