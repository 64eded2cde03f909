package dev.roundtrip.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.TransportListener.AcquireFailure;
import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max-conns-per-host} (issue #2, behaviour 3; DESIGN 2.2): requests over the limit
 * wait in FIFO order; a waiter that is canceled, times out or is interrupted leaves the
 * queue and leaks no slot; a connection that closes hands its slot to the first live
 * waiter.
 *
 * <p>
 * In every test the request to {@code /first} takes the only slot and its response is
 * held until the test releases it; every other request is answered at once with its own
 * target.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MaxConnsPerHostTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private final CountDownLatch releaseFirst = new CountDownLatch(1);

	private final RecordingListener listener = new RecordingListener();

	/**
	 * {@code /first} is held; with {@code closeFirst} its response says
	 * {@code Connection: close}.
	 */
	private ScriptedServer startServer(boolean closeFirst) {
		return ScriptedServer.start((ex) -> {
			if (ex.target().equals("/first")) {
				ex.hangUntil(this.releaseFirst);
				ex.respond(200, "/first", closeFirst ? new String[] { "Connection: close" } : new String[0]);
			}
			else {
				ex.respond(200, ex.target());
			}
		});
	}

	private Transport limitOne() {
		return Transport.builder().maxConnsPerHost(1).listener(this.listener).build();
	}

	// Go: TestTransportMaxConnsPerHost
	@Test
	void tenConcurrentRequestsWithLimitOneUseExactlyOneConnection() throws Exception {
		try (ScriptedServer server = startServer(false); Transport transport = limitOne()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			List<Background<String>> waiters = new ArrayList<>();
			for (int i = 1; i <= 9; i++) {
				waiters.add(fetch(transport, server, "/w" + i));
			}
			Await.until(() -> transport.stats().waiting() == 9, WAIT, () -> "9 waiting: " + transport.stats());
			PoolStats.DestinationStats stats = transport.stats().destination(server.destination());
			assertThat(stats).isNotNull();
			assertThat(stats.maxConnsPerHost()).isEqualTo(1);
			assertThat(stats.waiting()).isEqualTo(9);
			assertThat(stats.active() + stats.dialing() + stats.idle()).as("connections counted against the limit")
				.isEqualTo(1);

			this.releaseFirst.countDown();
			assertThat(first.get(WAIT)).isEqualTo("/first");
			for (int i = 1; i <= 9; i++) {
				assertThat(waiters.get(i - 1).get(WAIT)).isEqualTo("/w" + i);
			}
			assertThat(server.requests()).extracting(RecordedRequest::connectionId).hasSize(10).containsOnly(1);
			assertThat(server.acceptedConnections()).isEqualTo(1);
			assertPoolSettled(transport, 1);
		}
	}

	// Go: connsPerHostWait and idleConnWait are FIFO queues (wantConnQueue)
	@Test
	void waitersAreServedInTheOrderTheyStartedWaiting() throws Exception {
		try (ScriptedServer server = startServer(false); Transport transport = limitOne()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			List<Background<String>> waiters = new ArrayList<>();
			List<String> expectedOrder = new ArrayList<>(List.of("/first"));
			for (int i = 1; i <= 9; i++) {
				waiters.add(fetch(transport, server, "/w" + i));
				expectedOrder.add("/w" + i);
				int waiting = i;
				Await.until(() -> transport.stats().waiting() == waiting, WAIT,
						() -> waiting + " waiting: " + transport.stats());
			}
			this.releaseFirst.countDown();
			assertThat(first.get(WAIT)).isEqualTo("/first");
			for (Background<String> waiter : waiters) {
				waiter.get(WAIT);
			}
			assertThat(server.requests()).extracting(RecordedRequest::target).containsExactlyElementsOf(expectedOrder);
			assertPoolSettled(transport, 1);
		}
	}

	// Go: TestCancelRequestWhenSharingConnection,
	// TestTransportPersistConnContextLeakMaxConnsPerHost
	@Test
	void canceledWaiterLeavesTheQueueAndLeaksNoSlot() throws Exception {
		try (ScriptedServer server = startServer(true); Transport transport = limitOne()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			Call call = transport.newCall(Request.get(server.uri("/canceled")));
			Background<String> waiter = execute(call);
			Await.until(() -> transport.stats().waiting() == 1, WAIT, () -> "1 waiting: " + transport.stats());

			call.cancel();

			Throwable failure = waiter.failure(WAIT);
			assertThat(failure).isInstanceOf(CanceledException.class);
			assertThat(failure.getMessage()).as("says what happened").isNotBlank();
			assertThat(call.isCanceled()).isTrue();
			assertAcquireFailed(AcquireFailure.CANCELED);
			assertWaiterLeftAndNoSlotLeaked(server, transport, first, "/canceled");
		}
	}

	@Test
	void waiterWhoseRequestTimeoutFiresLeavesTheQueueAndLeaksNoSlot() throws Exception {
		try (ScriptedServer server = startServer(true); Transport transport = limitOne()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			Call call = transport
				.newCall(Request.builder("GET", server.uri("/timed-out")).timeout(Duration.ofMillis(300)).build());
			Background<String> waiter = execute(call);

			Throwable failure = waiter.failure(WAIT);

			assertThat(failure).isInstanceOf(TransportTimeoutException.class)
				.message()
				.as("names the setting")
				.containsIgnoringCase(Limit.CALL.setting());
			assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(Limit.CALL);
			assertAcquireFailed(AcquireFailure.TIMEOUT);
			assertWaiterLeftAndNoSlotLeaked(server, transport, first, "/timed-out");
		}
	}

	@Test
	void interruptedWaiterLeavesTheQueueWithItsInterruptFlagSet() throws Exception {
		try (ScriptedServer server = startServer(true); Transport transport = limitOne()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			Background<String> waiter = fetch(transport, server, "/interrupted");
			Await.until(() -> transport.stats().waiting() == 1, WAIT, () -> "1 waiting: " + transport.stats());

			waiter.thread().interrupt();

			assertThat(waiter.failure(WAIT)).isInstanceOf(CanceledException.class);
			assertThat(waiter.interruptedAtEnd()).as("interrupt flag restored").isTrue();
			assertAcquireFailed(AcquireFailure.CANCELED);
			assertWaiterLeftAndNoSlotLeaked(server, transport, first, "/interrupted");
		}
	}

	// Go: decConnsPerHost hands the slot to the first waiter still waiting
	@Test
	void closedConnectionHandsItsSlotToTheFirstLiveWaiter() throws Exception {
		try (ScriptedServer server = startServer(true); Transport transport = limitOne()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			Call canceled = transport.newCall(Request.get(server.uri("/w1")));
			Background<String> w1 = execute(canceled);
			Await.until(() -> transport.stats().waiting() == 1, WAIT, () -> "1 waiting: " + transport.stats());
			Background<String> w2 = fetch(transport, server, "/w2");
			Await.until(() -> transport.stats().waiting() == 2, WAIT, () -> "2 waiting: " + transport.stats());
			Background<String> w3 = fetch(transport, server, "/w3");
			Await.until(() -> transport.stats().waiting() == 3, WAIT, () -> "3 waiting: " + transport.stats());
			canceled.cancel();
			assertThat(w1.failure(WAIT)).isInstanceOf(CanceledException.class);
			Await.until(() -> transport.stats().waiting() == 2, WAIT, () -> "2 waiting: " + transport.stats());

			// /first's response says Connection: close: its connection closes and frees
			// the slot.
			this.releaseFirst.countDown();
			assertThat(first.get(WAIT)).isEqualTo("/first");
			assertThat(w2.get(WAIT)).isEqualTo("/w2");
			assertThat(w3.get(WAIT)).isEqualTo("/w3");

			server.awaitClientClosed(1, WAIT);
			assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/first", "/w2", "/w3");
			assertThat(server.request("/w2").connectionId()).isEqualTo(2);
			assertThat(server.request("/w3").connectionId()).isEqualTo(2);
			assertThat(server.acceptedConnections()).isEqualTo(2);
			assertPoolSettled(transport, 1);
		}
	}

	/**
	 * After the waiter gave up: nobody waits, the held request completes and its
	 * connection closes ({@code Connection: close}), and a new request still gets a
	 * connection. Had the waiter kept a slot, the new request could not dial.
	 */
	private void assertWaiterLeftAndNoSlotLeaked(ScriptedServer server, Transport transport, Background<String> first,
			String waiterTarget) {
		Await.until(() -> transport.stats().waiting() == 0, WAIT, () -> "nobody waiting: " + transport.stats());
		this.releaseFirst.countDown();
		assertThat(first.get(WAIT)).isEqualTo("/first");
		server.awaitClientClosed(1, WAIT);

		Background<String> after = fetch(transport, server, "/after");
		assertThat(after.get(WAIT)).as("a request after the waiter gave up").isEqualTo("/after");
		assertThat(server.request("/after").connectionId()).isEqualTo(2);
		assertThat(server.requests()).extracting(RecordedRequest::target)
			.as("the waiter's request never reached the server")
			.doesNotContain(waiterTarget);
		assertPoolSettled(transport, 1);
	}

	private void assertAcquireFailed(AcquireFailure outcome) {
		RecordingListener.Event event = this.listener.await((e) -> e.kind() == RecordingListener.Kind.ACQUIRE_FAILED,
				WAIT, "connectionAcquireFailed");
		assertThat(event.failure()).isEqualTo(outcome);
	}

	private static void assertPoolSettled(Transport transport, int idle) {
		Await.until(() -> {
			PoolStats stats = transport.stats();
			return stats.waiting() == 0 && stats.active() == 0 && stats.dialing() == 0 && stats.idle() == idle;
		}, WAIT, () -> "no waiter, nothing active or dialing, " + idle + " idle: " + transport.stats());
	}

	private static Background<String> fetch(Transport transport, ScriptedServer server, String path) {
		return Background.start("GET " + path, () -> Fetch.text(transport, server.uri(path)));
	}

	private static Background<String> execute(Call call) {
		return Background.start(call.request().toString(), () -> {
			try (Response response = call.execute()) {
				return Fetch.readToEof(response);
			}
		});
	}

}
