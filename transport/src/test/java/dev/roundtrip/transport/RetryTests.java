package dev.roundtrip.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Go's retry rules (DESIGN 2.4): a request that fails on a reused connection before any
 * response byte is sent once more on a new connection, if nothing of it was written or if
 * it is replayable; never after a failure on a new connection, never twice. A server's
 * 408 on an idle connection is dropped silently.
 */
class RetryTests {

	private static final Duration WAIT = Await.PROMPTLY;

	/**
	 * Answers everything but the second request on the first connection, which it reads
	 * and then drops.
	 */
	private static ScriptedServer dropsSecondRequestOnFirstConnection() {
		return ScriptedServer.start((ex) -> {
			if (ex.connectionId() == 1 && ex.requestIndex() == 2) {
				// Read, then closed without a byte of answer: after the pool's probe, as
				// a server's idle timeout would.
				ex.close();
				return;
			}
			ex.respond(200, ex.method() + " " + ex.target() + " on " + ex.connectionId());
		});
	}

	// Go: TestRetryRequestsOnError ("IdempotentNoBodySomeWritten"),
	// TestTransportServerClosingUnexpectedly
	@Test
	void getIsRetriedOnANewConnectionWhenTheServerClosesTheReusedConnectionBeforeAnswering() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = dropsSecondRequestOnFirstConnection();
				Transport transport = Transport.builder().listener(listener).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo("GET /2 on 2");
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "GET /2 on 1", "GET /2 on 2");
			assertThat(server.acceptedConnections()).isEqualTo(2);
			assertThat(listener.events(RecordingListener.Kind.ACQUIRED)).extracting(RecordingListener.Event::reused)
				.as("first request dials, second reuses, its retry dials")
				.containsExactly(false, true, false);
		}
	}

	// Go retries only when no byte of a response arrived (it peeks one byte first): a
	// status line followed by a reset is an answer begun, not a stale connection.
	@Test
	void getIsNotRetriedAfterPartOfTheResponseHeadArrived() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.requestIndex() == 2) {
				ex.write("HTTP/1.1 200 OK\r\n");
				ex.reset();
				return;
			}
			ex.respond(200, ex.method() + " " + ex.target() + " on " + ex.connectionId());
		}); Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			assertThatThrownBy(() -> Fetch.text(transport, server.uri("/2"))).isInstanceOf(IOException.class);
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "GET /2 on 1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	// DESIGN 2.3: an interrupt is a cancel. ClosedByInterruptException is a
	// ClosedChannelException, and was once taken for a server closing the connection.
	@Test
	void interruptedCallOnAReusedConnectionIsNotRetriedAndNamesItsStage() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.requestIndex() == 2) {
				ex.hangUntil(release);
				return;
			}
			ex.respond(200, ex.method() + " " + ex.target() + " on " + ex.connectionId());
		}); Transport transport = Transport.builder().listener(listener).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Background<String> call = Background.start("call", () -> Fetch.text(transport, server.uri("/2")));
			server.awaitRequests(2, WAIT);
			call.thread().interrupt();
			Throwable failure = call.failure(WAIT);
			release.countDown();
			// The server has the request once its head arrives; the client's write may
			// not have returned yet, so the interrupt lands in either stage, and is
			// named.
			assertThat(failure).isInstanceOf(CanceledException.class)
				.hasMessageMatching("Thread interrupted while (writing the request|waiting for the response headers)"
						+ " for GET .*/2");
			assertThat(listener.events(RecordingListener.Kind.DIAL_STARTED)).as("no new dial").hasSize(1);
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	// Go: TestRetryRequestsOnError ("NonIdempotentSomeWritten")
	@Test
	void postWithoutIdempotencyKeyIsSentOnceAndTheFailureSaysItMayHaveBeenProcessed() throws Exception {
		try (ScriptedServer server = dropsSecondRequestOnFirstConnection();
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Request post = Request.builder("POST", server.uri("/order")).body(Request.Body.of("one pizza")).build();
			assertThatThrownBy(() -> transport.roundTrip(post)).isInstanceOf(IOException.class)
				.hasMessageContaining("before sending a response")
				.hasMessageContaining("may have been processed");
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "POST /order on 1");
			assertThat(server.request("/order").bodyText()).isEqualTo("one pizza");
			assertThat(server.acceptedConnections()).as("no second connection for a retry").isEqualTo(1);
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: TestRetryRequestsOnError ("IdempotentSomeWritten" with an Idempotency-Key),
	// TestTransportRequestReplayable
	@ParameterizedTest
	@ValueSource(strings = { "Idempotency-Key", "X-Idempotency-Key" })
	void postWithAnIdempotencyKeyAndAReplayableBodyIsRetried(String header) throws Exception {
		try (ScriptedServer server = dropsSecondRequestOnFirstConnection();
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Request post = Request.builder("POST", server.uri("/order"))
				.header(header, "7d3f")
				.body(Request.Body.of("one pizza"))
				.build();
			assertThat(Fetch.text(transport, post)).isEqualTo("POST /order on 2");
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "POST /order on 1", "POST /order on 2");
			assertThat(server.requestsOn(2).get(0).bodyText()).as("the body, written again").isEqualTo("one pizza");
		}
	}

	// Go: TestTransportRequestReplayable (a body without GetBody is not replayable)
	@Test
	void postWithAnIdempotencyKeyButABodyThatCannotBeReplayedIsNotRetried() throws Exception {
		try (ScriptedServer server = dropsSecondRequestOnFirstConnection();
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			Request post = Request.builder("POST", server.uri("/order"))
				.header("Idempotency-Key", "7d3f")
				.body(streamed("one pizza"))
				.build();
			assertThatThrownBy(() -> transport.roundTrip(post)).isInstanceOf(IOException.class)
				.hasMessageContaining("may have been processed");
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "POST /order on 1");
		}
	}

	// Go: shouldRetryRequest ("never if the connection was fresh")
	@Test
	void requestThatFailsOnANewConnectionIsNeverRetried() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.close());
				Transport transport = Transport.builder().build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("/once"))))
				.isInstanceOf(IOException.class)
				.hasMessageContaining("before sending a response");
			assertThat(requestsSeen(server)).containsExactly("GET /once on 1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	// Go: TestRetryRequestsOnError ("one retry per failure")
	@Test
	void requestIsRetriedAtMostOnce() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.connectionId() == 1 && ex.requestIndex() == 1) {
				ex.respond(200, "first");
				return;
			}
			ex.close();
		}); Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("first");
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("/2")))).isInstanceOf(IOException.class)
				.hasMessageContaining("before sending a response");
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "GET /2 on 1", "GET /2 on 2");
			assertThat(server.acceptedConnections()).isEqualTo(2);
		}
	}

	/**
	 * The server resets the reused connection after the pool's probe found it healthy and
	 * before the request is written: the write fails with nothing written, so even a POST
	 * goes again, on a new connection, if its body can be replayed. A listener that waits
	 * in {@code connectionAcquired} holds the request between the probe and the write.
	 */
	// Go: TestRetryRequestsOnError ("NonIdempotentNoBodyNoneWritten"),
	// nothingWrittenError
	@Test
	void postWhoseWriteFailedWithNothingWrittenIsRetriedOnANewConnection() throws Exception {
		NothingWritten scenario = new NothingWritten();
		try (ScriptedServer server = scenario.server();
				Transport transport = Transport.builder().listener(scenario).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("first");
			Request post = Request.builder("POST", server.uri("/order")).body(Request.Body.of("one pizza")).build();
			assertThat(Fetch.text(transport, post)).isEqualTo("POST one pizza on 2");
			assertThat(scenario.resetDone.getCount()).as("the reset happened between probe and write").isZero();
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "POST /order on 2");
		}
	}

	// Go: shouldRetryRequest (nothingWrittenError needs a body that can be replayed)
	@Test
	void requestWhoseWriteFailedWithNothingWrittenIsNotRetriedIfItsBodyCannotBeReplayed() throws Exception {
		NothingWritten scenario = new NothingWritten();
		try (ScriptedServer server = scenario.server();
				Transport transport = Transport.builder().listener(scenario).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("first");
			Request post = Request.builder("POST", server.uri("/order")).body(streamed("one pizza")).build();
			assertThatThrownBy(() -> transport.roundTrip(post)).isInstanceOf(IOException.class)
				.hasMessageContaining("writing the request");
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	// Go: TestTransportIgnores408
	@Test
	void serversSpontaneous408OnAnIdleConnectionIsConsumedSilently() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.connectionId() == 1) {
				ex.respond(200, "first");
				// Later, the server's idle timeout: a 408 nobody asked for, then close.
				ex.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
				ex.close();
				return;
			}
			ex.respond(200, "second on " + ex.connectionId());
		}); Transport transport = Transport.builder().listener(listener).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("first");
			Await.until(() -> server.connection(1).serverClosed(), WAIT, "the server to send its 408 and close");
			try (Response response = transport.roundTrip(Request.get(server.uri("/2")))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(Fetch.readToEof(response)).isEqualTo("second on 2");
			}
			assertThat(listener.closeReasonsOf(server.connection(1).clientPort()))
				.containsExactly(CloseReason.SERVER_CLOSED);
			assertThat(requestsSeen(server)).containsExactly("GET /1 on 1", "GET /2 on 2");
		}
	}

	// Go: TestTransportRequestReplayable
	@Test
	void replayableRequestsAreIdempotentMethodsOrCarryAnIdempotencyKeyAndHaveAReplayableBody() {
		URI uri = URI.create("http://127.0.0.1/");
		assertThat(Request.builder("GET", uri).build().isReplayable()).isTrue();
		assertThat(Request.builder("HEAD", uri).build().isReplayable()).isTrue();
		assertThat(Request.builder("OPTIONS", uri).build().isReplayable()).isTrue();
		assertThat(Request.builder("TRACE", uri).build().isReplayable()).isTrue();
		assertThat(Request.builder("POST", uri).build().isReplayable()).isFalse();
		assertThat(Request.builder("PUT", uri).body(Request.Body.of("x")).build().isReplayable()).isFalse();
		assertThat(Request.builder("POST", uri).header("Idempotency-Key", "k").build().isReplayable()).isTrue();
		assertThat(Request.builder("POST", uri)
			.header("X-Idempotency-Key", "k")
			.body(Request.Body.of("x"))
			.build()
			.isReplayable()).isTrue();
		assertThat(
				Request.builder("POST", uri).header("Idempotency-Key", "k").body(streamed("x")).build().isReplayable())
			.isFalse();
		assertThat(Request.builder("GET", uri).body(streamed("x")).build().isReplayable()).isFalse();
	}

	/** "METHOD target on connectionId" for each request the server saw, in order. */
	private static List<String> requestsSeen(ScriptedServer server) {
		return server.requests()
			.stream()
			.map((r) -> r.method() + " " + r.target() + " on " + r.connectionId())
			.collect(Collectors.toList());
	}

	/** A body that can be written only once, such as one read from a stream. */
	private static Request.Body streamed(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		return new Request.Body() {

			@Override
			public long contentLength() {
				return bytes.length;
			}

			@Override
			public void writeTo(OutputStream out) throws IOException {
				out.write(bytes);
			}

		};
	}

	/**
	 * Connection 1 answers its first request, then waits until the transport has taken it
	 * from the pool again (probe passed) and resets it; the listener lets the request go
	 * on only once the reset is done.
	 */
	private static final class NothingWritten implements TransportListener {

		final CountDownLatch reacquired = new CountDownLatch(1);

		final CountDownLatch resetDone = new CountDownLatch(1);

		ScriptedServer server() {
			return ScriptedServer.start((ex) -> {
				if (ex.connectionId() == 1) {
					ex.respond(200, "first");
					if (ex.hangUntil(this.reacquired)) {
						ex.reset();
					}
					this.resetDone.countDown();
					return;
				}
				ex.respond(200, ex.method() + " " + ex.bodyText() + " on " + ex.connectionId());
			});
		}

		@Override
		public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
			if (reused && this.reacquired.getCount() > 0) {
				this.reacquired.countDown();
				try {
					this.resetDone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				// On loopback the reset is usually processed before the server's close()
				// returns; under load
				// the kernel may defer it, so wait until it has dropped our socket from
				// its tables.
				int local = connection.localAddress().getPort();
				int remote = connection.remoteAddress().getPort();
				Await.until(() -> !inKernelTcpTable(local, remote), WAIT, "the kernel to process the reset");
			}
		}

		/**
		 * Linux: whether a TCP socket with these ports is in /proc/net/tcp{,6}; false
		 * where there is no /proc.
		 */
		private static boolean inKernelTcpTable(int localPort, int remotePort) {
			String ports = String.format(":%04X", localPort);
			String remote = String.format(":%04X", remotePort);
			for (String table : new String[] { "/proc/net/tcp", "/proc/net/tcp6" }) {
				try {
					for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
						String[] fields = line.trim().split("\\s+");
						if (fields.length > 2 && fields[1].endsWith(ports) && fields[2].endsWith(remote)) {
							return true;
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// No such table here: nothing to wait for.
				}
			}
			return false;
		}

	}

}
