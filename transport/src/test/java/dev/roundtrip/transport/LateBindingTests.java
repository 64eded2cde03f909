package dev.roundtrip.transport;

import java.time.Duration;
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
 * Late binding (issue #2, behaviour 4; DESIGN 2.2): a request waiting for its dial takes
 * a connection returned meanwhile, and the dial's connection then goes to the pool.
 *
 * <p>
 * The dial is made slow at the socket level: the server stops accepting and the test
 * fills the kernel's accept queue (listen backlog 1), so the transport's SYN is dropped
 * and retried by the kernel about a second later. Once the test resumes accepting, that
 * retry completes the dial. So each test here takes about a second.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LateBindingTests {

	private static final Duration WAIT = Await.PROMPTLY;

	/**
	 * Long enough for the kernel's SYN retries (1 s, then 3 s) after accepting resumes.
	 */
	private static final Duration SLOW_DIAL = Duration.ofSeconds(10);

	private final CountDownLatch releaseFirst = new CountDownLatch(1);

	private ScriptedServer startServer() {
		return ScriptedServer.builder().backlog(1).start((ex) -> {
			if (ex.target().equals("/first")) {
				ex.hangUntil(this.releaseFirst);
			}
			ex.respond(200, ex.target());
		});
	}

	// Go: TestTransportPoolConnConnectionBecomesAvailableDuringDial,
	// TestTransportSocketLateBinding
	@Test
	void requestWaitingForItsDialTakesAConnectionReturnedMeanwhile() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = startServer();
				Transport transport = Transport.builder().listener(listener).build()) {
			Background<String> first = fetch(transport, server, "/first");
			server.awaitRequests(1, WAIT);
			server.pauseAccepting();
			server.fillAcceptQueue();

			Background<String> second = fetch(transport, server, "/second");
			Await.until(() -> transport.stats().dialing() == 1, WAIT, () -> "a dial in progress: " + transport.stats());
			assertThat(second.isDone()).isFalse();

			// /first's connection comes back while /second's dial is stuck.
			this.releaseFirst.countDown();
			assertThat(first.get(WAIT)).isEqualTo("/first");
			assertThat(second.get(WAIT)).as("served before its own dial completed").isEqualTo("/second");
			assertThat(server.request("/second").connectionId()).isEqualTo(1);
			assertThat(listener.events(RecordingListener.Kind.ACQUIRED)).extracting(RecordingListener.Event::reused)
				.as("/first dialed, /second handed /first's connection")
				.containsExactly(false, true);

			// The dial completes later; its connection goes to the pool, unused.
			server.resumeAccepting();
			server.awaitAccepted(2, SLOW_DIAL);
			Await.until(() -> transport.stats().idle() == 2 && transport.stats().dialing() == 0, WAIT,
					() -> "both connections idle: " + transport.stats());
			assertThat(server.requestsOn(2)).isEmpty();
			assertThat(server.connection(2).isOpen()).isTrue();

			// It was pooled after connection 1 came back, so it is the one on top.
			assertThat(Fetch.text(transport, server.uri("/third"))).isEqualTo("/third");
			assertThat(server.request("/third").connectionId()).isEqualTo(2);
			assertThat(server.acceptedConnections()).isEqualTo(2);
		}
	}

	// Go: TestTransportPoolCancelRequestReusesConn, TestTransportCancelRequestInDial
	@Test
	void dialThatFinishesAfterItsRequestWasCanceledGoesToThePool() throws Exception {
		try (ScriptedServer server = startServer(); Transport transport = Transport.builder().build()) {
			server.pauseAccepting();
			server.fillAcceptQueue();

			Call call = transport.newCall(Request.get(server.uri("/canceled")));
			Background<Response> canceled = Background.start("canceled", call::execute);
			Await.until(() -> transport.stats().dialing() == 1, WAIT, () -> "a dial in progress: " + transport.stats());
			call.cancel();
			assertThat(canceled.failure(WAIT)).as("cancel does not wait for the dial")
				.isInstanceOf(CanceledException.class);
			Await.until(() -> transport.stats().waiting() == 0, WAIT, () -> "nobody waiting: " + transport.stats());

			server.resumeAccepting();
			server.awaitAccepted(1, SLOW_DIAL);
			Await.until(() -> transport.stats().idle() == 1 && transport.stats().dialing() == 0, WAIT,
					() -> "the dialed connection idle: " + transport.stats());

			assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("/next");
			assertThat(server.requests()).extracting((r) -> r.target() + "@" + r.connectionId())
				.containsExactly("/next@1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	private static Background<String> fetch(Transport transport, ScriptedServer server, String path) {
		return Background.start("GET " + path, () -> Fetch.text(transport, server.uri(path)));
	}

}
