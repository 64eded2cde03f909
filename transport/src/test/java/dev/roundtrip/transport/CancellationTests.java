package dev.roundtrip.transport;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.EndlessBody;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exchange that does not end normally loses its connection (issue #2, behaviour 6;
 * DESIGN 2.3; the seed's question 2 and case 3-3): a body closed before EOF (with
 * draining off, as Go), and a call canceled through {@link Call#cancel()}, its request
 * timeout, the read timeout or a thread interrupt, while writing the request, waiting for
 * the headers or reading the body. Each time the connection is closed, never pooled; the
 * next request gets a new one; the exception says what fired.
 *
 * <p>
 * Canceling while waiting for a connection is in {@link MaxConnsPerHostTests}.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationTests {

	private static final Duration WAIT = Await.PROMPTLY;

	/**
	 * Short enough to keep the suite fast, long enough that the stage is reached first.
	 */
	private static final Duration LIMIT = Duration.ofMillis(300);

	private final CountDownLatch release = new CountDownLatch(1);

	private final RecordingListener listener = new RecordingListener();

	@AfterEach
	void releaseServer() {
		this.release.countDown();
	}

	/** How a call is made to give up. */
	enum Trigger {

		/** {@link Call#cancel()} from the test's thread. */
		CANCEL,

		/** {@link Request.Builder#timeout}: the whole exchange's deadline. */
		CALL_TIMEOUT,

		/** The transport's {@code read-timeout}. */
		READ_TIMEOUT,

		/** {@link Thread#interrupt()} of the thread running the call. */
		INTERRUPT

	}

	// Go: TestTransportCloseResponseBody; the seed's case 3-3 (not read, closed: a new
	// connection each time)
	@Test
	void bodyClosedBeforeEofClosesTheConnectionWhenDrainingIsOff() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/big")) {
				// 10 bytes of 100 000 now; the rest never comes unless the connection is
				// kept.
				ex.write(ServerExchange.head(200, 100_000) + "\r\n0123456789");
				ex.hangUntil(this.release);
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = Transport.builder().drainOnCloseMaxBytes(0).listener(this.listener).build()) {
			Response response = transport.roundTrip(Request.get(server.uri("/big")));
			assertThat(response.body().readNBytes(5)).hasSize(5);
			response.close();

			assertConnectionDiscarded(server, transport, CloseReason.EARLY_BODY_CLOSE);
		}
	}

	// Go issue #75309; DESIGN 2.1 drain-on-close: a small remainder is drained and the
	// connection kept.
	@Test
	void bodyClosedBeforeEofWithASmallRemainderIsDrainedAndTheConnectionKeptByDefault() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "x".repeat(1000)));
				Transport transport = Transport.builder().build()) {
			Response response = transport.roundTrip(Request.get(server.uri("/1")));
			assertThat(response.body().readNBytes(5)).hasSize(5);
			response.close();

			assertThat(Fetch.text(transport, server.uri("/2"))).hasSize(1000);
			assertThat(server.request("/2").connectionId()).isEqualTo(1);
		}
	}

	// --- While writing the request: a large body to a server that reads nothing.

	// Go: TestTransportCancelRequestWithBodyInDo
	@Test
	void cancelWhileWritingTheRequestClosesTheConnection() throws Exception {
		whileWritingTheRequest(Trigger.CANCEL);
	}

	@Test
	void requestTimeoutWhileWritingTheRequestClosesTheConnection() throws Exception {
		whileWritingTheRequest(Trigger.CALL_TIMEOUT);
	}

	@Test
	void interruptWhileWritingTheRequestClosesTheConnection() throws Exception {
		whileWritingTheRequest(Trigger.INTERRUPT);
	}

	// --- While waiting for the response headers.

	// Go: TestTransportCancelRequest, TestTransportCancelBeforeResponseHeaders
	@Test
	void cancelWhileWaitingForHeadersClosesTheConnection() throws Exception {
		whileWaitingForHeaders(Trigger.CANCEL);
	}

	// Go: TestClientTimeoutKillsConn_BeforeHeaders
	@Test
	void requestTimeoutWhileWaitingForHeadersClosesTheConnection() throws Exception {
		whileWaitingForHeaders(Trigger.CALL_TIMEOUT);
	}

	@Test
	void readTimeoutWhileWaitingForHeadersClosesTheConnection() throws Exception {
		whileWaitingForHeaders(Trigger.READ_TIMEOUT);
	}

	@Test
	void interruptWhileWaitingForHeadersClosesTheConnection() throws Exception {
		whileWaitingForHeaders(Trigger.INTERRUPT);
	}

	// Go: TestTransportResponseHeaderTimeout
	@Test
	void responseHeaderTimeoutClosesTheConnection() throws Exception {
		try (ScriptedServer server = headersNeverCome();
				Transport transport = Transport.builder()
					.responseHeaderTimeout(LIMIT)
					.listener(this.listener)
					.build()) {
			Background<Response> call = Background.start("call",
					() -> transport.roundTrip(Request.get(server.uri("/stall"))));
			Throwable failure = call.failure(WAIT);
			assertThat(failure).isInstanceOf(TransportTimeoutException.class)
				.message()
				.as("names the setting")
				.containsIgnoringCase(Limit.RESPONSE_HEADER.setting());
			assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(Limit.RESPONSE_HEADER);
			assertConnectionDiscarded(server, transport, CloseReason.TIMEOUT);
		}
	}

	// --- While reading the body.

	// Go: TestCancelRequestWithChannel, TestTransportResponseCancelRace
	@Test
	void cancelWhileReadingTheBodyClosesTheConnection() throws Exception {
		whileReadingTheBody(Trigger.CANCEL);
	}

	// Go: TestClientTimeoutKillsConn_AfterHeaders
	@Test
	void requestTimeoutWhileReadingTheBodyClosesTheConnection() throws Exception {
		whileReadingTheBody(Trigger.CALL_TIMEOUT);
	}

	@Test
	void readTimeoutWhileReadingTheBodyClosesTheConnection() throws Exception {
		whileReadingTheBody(Trigger.READ_TIMEOUT);
	}

	@Test
	void interruptWhileReadingTheBodyClosesTheConnection() throws Exception {
		whileReadingTheBody(Trigger.INTERRUPT);
	}

	private void whileWritingTheRequest(Trigger trigger) throws Exception {
		EndlessBody body = new EndlessBody();
		try (ScriptedServer server = ScriptedServer.builder().lazyBodies().start((ex) -> {
			if (ex.target().equals("/upload")) {
				ex.stallUntil(this.release);
				ex.respond(200, "too late");
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = transport(trigger)) {
			Call call = transport.newCall(request(trigger, "POST", server, "/upload").body(body).build());
			Background<Response> running = Background.start("upload", call::execute);
			server.awaitRequests(1, WAIT);
			Await.until(() -> body.written.get() > 0, WAIT, "the body to start being written");

			Throwable failure = fire(trigger, call, running);

			assertFailure(trigger, failure, running);
			// The server reads again only now: it must find the connection closed (EOF),
			// not the rest of a body still being sent.
			this.release.countDown();
			assertConnectionDiscarded(server, transport, closeReason(trigger));
		}
	}

	private void whileWaitingForHeaders(Trigger trigger) throws Exception {
		try (ScriptedServer server = headersNeverCome(); Transport transport = transport(trigger)) {
			Call call = transport.newCall(request(trigger, "GET", server, "/stall").build());
			Background<Response> running = Background.start("call", call::execute);
			server.awaitRequests(1, WAIT);

			Throwable failure = fire(trigger, call, running);

			assertFailure(trigger, failure, running);
			assertConnectionDiscarded(server, transport, closeReason(trigger));
		}
	}

	private void whileReadingTheBody(Trigger trigger) throws Exception {
		CountDownLatch partRead = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/stall")) {
				ex.write(ServerExchange.head(200, 100) + "\r\n0123456789");
				ex.hangUntil(this.release);
			}
			else {
				ex.respond(200, ex.target());
			}
		}); Transport transport = transport(trigger)) {
			Call call = transport.newCall(request(trigger, "GET", server, "/stall").build());
			Background<byte[]> running = Background.start("call", () -> {
				Response response = call.execute();
				InputStream body = response.body();
				byte[] first = body.readNBytes(10);
				partRead.countDown();
				body.readAllBytes();
				return first;
			});
			Await.until(() -> partRead.getCount() == 0 || running.isDone(), WAIT,
					"the first 10 bytes of the body to be read");
			assertThat(partRead.getCount()).as("headers and first bytes were read before the call gave up").isZero();

			Throwable failure = fire(trigger, call, running);

			assertFailure(trigger, failure, running);
			assertConnectionDiscarded(server, transport, closeReason(trigger));
		}
	}

	/** Answers {@code /stall} never (until the test ends), anything else at once. */
	private ScriptedServer headersNeverCome() {
		return ScriptedServer.start((ex) -> {
			if (ex.target().equals("/stall")) {
				ex.hangUntil(this.release);
			}
			else {
				ex.respond(200, ex.target());
			}
		});
	}

	private Transport transport(Trigger trigger) {
		Transport.Builder builder = Transport.builder().listener(this.listener);
		if (trigger == Trigger.READ_TIMEOUT) {
			builder.readTimeout(LIMIT);
		}
		return builder.build();
	}

	private static Request.Builder request(Trigger trigger, String method, ScriptedServer server, String path) {
		Request.Builder request = Request.builder(method, server.uri(path));
		if (trigger == Trigger.CALL_TIMEOUT) {
			request.timeout(LIMIT);
		}
		return request;
	}

	/** Makes the call give up (or lets its limit fire) and returns what it threw. */
	private static Throwable fire(Trigger trigger, Call call, Background<?> running) {
		switch (trigger) {
			case CANCEL -> call.cancel();
			case INTERRUPT -> running.thread().interrupt();
			default -> {
				// a limit on time: it fires by itself
			}
		}
		return running.failure(WAIT);
	}

	private static void assertFailure(Trigger trigger, Throwable failure, Background<?> running) {
		switch (trigger) {
			case CANCEL -> assertThat(failure).isInstanceOf(CanceledException.class);
			case INTERRUPT -> {
				assertThat(failure).isInstanceOf(CanceledException.class);
				assertThat(running.interruptedAtEnd()).as("interrupt flag restored").isTrue();
			}
			case CALL_TIMEOUT -> assertTimeout(failure, Limit.CALL);
			case READ_TIMEOUT -> assertTimeout(failure, Limit.READ);
		}
		assertThat(failure.getMessage()).as("says what happened").isNotBlank();
	}

	private static void assertTimeout(Throwable failure, Limit limit) {
		assertThat(failure).isInstanceOf(TransportTimeoutException.class)
			.message()
			.as("names the setting")
			.containsIgnoringCase(limit.setting());
		assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(limit);
	}

	/**
	 * The reason the listener should report. A request's own deadline is documented both
	 * as a cancellation ("a deadline") and as a timeout, so either is accepted for it.
	 */
	private static CloseReason[] closeReason(Trigger trigger) {
		return switch (trigger) {
			case CANCEL, INTERRUPT -> new CloseReason[] { CloseReason.CANCELED };
			case READ_TIMEOUT -> new CloseReason[] { CloseReason.TIMEOUT };
			case CALL_TIMEOUT -> new CloseReason[] { CloseReason.CANCELED, CloseReason.TIMEOUT };
		};
	}

	/**
	 * Connection 1 is closed by the client, reported closed for one of {@code reasons},
	 * and never pooled: the next request arrives on connection 2.
	 */
	private void assertConnectionDiscarded(ScriptedServer server, Transport transport, CloseReason... reasons)
			throws IOException {
		server.awaitClientClosed(1, WAIT);
		assertThat(this.listener.awaitCloseOf(server.connection(1).clientPort(), WAIT)).isIn((Object[]) reasons);
		Await.until(() -> transport.stats().active() == 0, WAIT, () -> "nothing active: " + transport.stats());
		assertThat(transport.stats().idle()).as("the connection was not pooled").isZero();

		assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("/next");
		assertThat(server.request("/next").connectionId()).isEqualTo(2);
		assertThat(server.requestsOn(1)).extracting(RecordedRequest::target).hasSize(1);
	}

}
