package dev.roundtrip.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code drain-on-close.max-bytes} and {@code drain-on-close.timeout} (issue #5,
 * behaviour 3; DESIGN 2.1 and 2.3; Go #75309): a body closed before its end is read and
 * discarded when the rest fits both bounds, and its connection kept; otherwise the
 * connection is closed as Go does. Seed case 3-3.
 */
class DrainOnCloseTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private static final String HELLO = "Hello, World!";

	// Seed 3-3: keep-alive on, body not read, closed. Go: a new connection each time.
	@Test
	void seedCase33SmallUnreadBodyClosedEarlyReusesOneConnectionForSixRequests() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder().listener(listener).build()) {
			for (int i = 0; i < 6; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
				response.close();
			}
			server.awaitRequests(6, WAIT);
			assertThat(server.connectionIdsOfRequests()).containsOnly(1).hasSize(6);
			assertThat(server.acceptedConnections()).isEqualTo(1);
			assertThat(server.connection(1).isOpen()).isTrue();
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).isEmpty();
			assertThat(transport.stats().idle()).isEqualTo(1);
			assertThat(transport.stats().active()).isZero();
		}
	}

	// Seed 3-3 with drain disabled: exactly Go's behaviour.
	@Test
	void withDrainDisabledSeedCase33UsesSixConnectionsEachClosedAsGoDoes() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder().drainOnCloseMaxBytes(0).listener(listener).build()) {
			for (int i = 0; i < 6; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
				response.close();
			}
			server.awaitRequests(6, WAIT);
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2, 3, 4, 5, 6);
			for (int id = 1; id <= 6; id++) {
				server.awaitClientClosed(id, WAIT);
				assertThat(listener.awaitCloseOf(server.connection(id).clientPort(), WAIT))
					.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
			}
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void aPartlyReadBodyClosedEarlyIsDrainedAndItsConnectionReused() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder().build()) {
			try (Response response = transport.roundTrip(Request.get(server.uri("/1")))) {
				assertThat(new String(response.body().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("Hello");
			}
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo(HELLO);
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1);
		}
	}

	@Test
	void aOneMegabyteUnreadBodyIsNotDrainedAndItsConnectionIsClosed() throws Exception {
		byte[] big = new byte[1024 * 1024];
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, big));
				Transport transport = Transport.builder().listener(listener).build()) {
			Response response = transport.roundTrip(Request.get(server.uri("/big")));
			response.close();
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
			assertThat(transport.stats().open()).isZero();
			try (Response next = transport.roundTrip(Request.get(server.uri("/next")))) {
				assertThat(next.body().readAllBytes()).hasSize(big.length);
			}
			assertThat(server.request("/next").connectionId()).isEqualTo(2);
		}
	}

	@Test
	void aRemainderOfExactlyMaxBytesIsDrainedAndOneByteMoreIsNot() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.respond(200, new byte[Integer.parseInt(ex.target().substring(1))]));
				Transport transport = Transport.builder().drainOnCloseMaxBytes(1000).listener(listener).build()) {
			transport.roundTrip(Request.get(server.uri("/1000"))).close();
			try (Response partlyRead = transport.roundTrip(Request.get(server.uri("/1500")))) {
				assertThat(partlyRead.body().readNBytes(500)).hasSize(500);
			}
			transport.roundTrip(Request.get(server.uri("/1001"))).close();
			server.awaitClientClosed(1, WAIT);
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 1);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
		}
	}

	@Test
	void aStalledBodyIsNotWaitedOnPastTheTimeoutAndItsConnectionIsClosed() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, 100) + "\r\n" + "0123456789");
			ex.hangUntil(never);
		}); Transport transport = Transport.builder().listener(listener).build()) {
			Response response = transport.roundTrip(Request.get(server.uri("/stall")));
			assertThat(response.body().readNBytes(3)).hasSize(3);
			// On its own thread so a close() that waited forever fails the test instead
			// of hanging it.
			Background.start("close", () -> {
				response.close();
				return null;
			}).get(WAIT);
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void aTricklingBodyIsNotDrainedPastTheTimeoutEvenThoughEachReadIsQuick() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, 500) + "\r\n");
			for (int i = 0; i < 500; i++) {
				ex.write("x");
				ex.sleep(Duration.ofMillis(10));
			}
		});
				Transport transport = Transport.builder()
					.drainOnCloseTimeout(Duration.ofMillis(100))
					.listener(listener)
					.build()) {
			Response response = transport.roundTrip(Request.get(server.uri("/trickle")));
			Background.start("close", () -> {
				response.close();
				return null;
			}).get(WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
			server.awaitClientClosed(1, WAIT);
		}
	}

	@Test
	void aRemainderArrivingWithinTheTimeoutIsDrainedAndTheNextExchangeIsNotHeldToTheDrainTimeout() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.target().equals("/slow-tail")) {
				ex.write(ServerExchange.head(200, 10) + "\r\n" + "01234");
				ex.sleep(Duration.ofMillis(50));
				ex.write("56789");
			}
			else {
				// Slower than the drain timeout: the drain's deadline must not outlive
				// the drain.
				ex.sleep(Duration.ofMillis(300));
				ex.respond(200, "late");
			}
		}); Transport transport = Transport.builder().drainOnCloseTimeout(Duration.ofSeconds(5)).build()) {
			transport.roundTrip(Request.get(server.uri("/slow-tail"))).close();
			assertThat(Fetch.text(transport, server.uri("/late"))).isEqualTo("late");
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1);
		}
	}

	@Test
	void chunkedBodiesClosedEarlyAreDrainedAndTheirConnectionReused() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.write(ServerExchange.head(200, -1, "Transfer-Encoding: chunked") + "\r\n"
					+ "5\r\nHello\r\n8\r\n, World!\r\n0\r\nX-Trailer: t\r\n\r\n"));
				Transport transport = Transport.builder().listener(listener).build()) {
			for (int i = 0; i < 6; i++) {
				Response response = transport.roundTrip(Request.get(server.uri("/" + i)));
				if (i % 2 == 1) {
					response.body().read();
				}
				response.close();
			}
			server.awaitRequests(6, WAIT);
			assertThat(server.connectionIdsOfRequests()).containsOnly(1).hasSize(6);
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).isEmpty();
		}
	}

	@Test
	void aChunkedBodyLongerThanMaxBytesIsNotDrained() throws Exception {
		String chunk = "x".repeat(16 * 1024);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, -1, "Transfer-Encoding: chunked") + "\r\n");
			for (int i = 0; i < 64; i++) {
				ex.write(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
			}
			ex.write("0\r\n\r\n");
		}); Transport transport = Transport.builder().listener(listener).build()) {
			transport.roundTrip(Request.get(server.uri("/big-chunked"))).close();
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
			server.awaitClientClosed(1, WAIT);
		}
	}

	@Test
	void aBodyDelimitedByCloseIsNeverDrained() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write("HTTP/1.1 200 OK\r\n\r\n" + HELLO);
			ex.shutdownOutput();
		}); Transport transport = Transport.builder().listener(listener).build()) {
			transport.roundTrip(Request.get(server.uri("/until-close"))).close();
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isIn(CloseReason.EARLY_BODY_CLOSE, CloseReason.RESPONSE_CLOSE);
		}
	}

	@Test
	void closingAGzipBodyEarlyDrainsTheCompressedRest() throws Exception {
		byte[] gzipped = gzip(HELLO.repeat(50));
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, gzipped, "Content-Encoding: gzip"));
				Transport transport = Transport.builder().build()) {
			transport.roundTrip(Request.get(server.uri("/1"))).close();
			try (Response response = transport.roundTrip(Request.get(server.uri("/2")))) {
				assertThat(response.body().read()).isEqualTo('H');
			}
			assertThat(Fetch.text(transport, server.uri("/3"))).isEqualTo(HELLO.repeat(50));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 1);
		}
	}

	// drain-on-close.max-bytes has no upper bound; a very large value must mean "any
	// size", not a hang.
	@Test
	void aVeryLargeMaxBytesDrainsTheBodyAndKeepsTheConnection() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder().drainOnCloseMaxBytes(Long.MAX_VALUE).build()) {
			Response response = transport.roundTrip(Request.get(server.uri("/1")));
			Background.start("close", () -> {
				response.close();
				return null;
			}).get(WAIT);
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo(HELLO);
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1);
		}
	}

	// A drain timeout too large for nanoseconds must not break every response.
	@Test
	void aVeryLongDrainTimeoutIsAccepted() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder()
					.drainOnCloseTimeout(Duration.ofSeconds(Long.MAX_VALUE))
					.build()) {
			transport.roundTrip(Request.get(server.uri("/1"))).close();
			assertThat(Fetch.text(transport, server.uri("/2"))).isEqualTo(HELLO);
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1);
		}
	}

	@Test
	void aBodyClosedAfterItsCallWasCanceledIsNotDrained() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder().listener(listener).build()) {
			Call call = transport.newCall(Request.get(server.uri("/1")));
			Response response = call.execute();
			call.cancel();
			response.close();
			server.awaitClientClosed(1, WAIT);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT)).isEqualTo(CloseReason.CANCELED);
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: Body.Close from another goroutine unblocks a Read in progress. A drain must not
	// race that reader.
	@Test
	void closingTheBodyFromAnotherThreadUnblocksAReadInProgressAndClosesTheConnection() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			ex.write(ServerExchange.head(200, 100) + "\r\n" + "01234");
			ex.hangUntil(never);
		});
				Transport transport = Transport.builder()
					.drainOnCloseTimeout(Duration.ofMinutes(1))
					.listener(listener)
					.build()) {
			// A drain timeout far longer than the test: close() must not wait on the
			// reader's socket read.
			Response response = transport.roundTrip(Request.get(server.uri("/blocked")));
			Background<byte[]> reader = Background.start("reader", () -> response.body().readAllBytes());
			Await.until(() -> reader.thread().getState() == Thread.State.RUNNABLE && isInSocketRead(reader.thread()),
					WAIT, "the reader to block in a socket read");
			Background.start("closer", () -> {
				response.close();
				return null;
			}).get(WAIT);
			assertThat(reader.failure(WAIT)).isInstanceOf(IOException.class);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.EARLY_BODY_CLOSE);
			server.awaitClientClosed(1, WAIT);
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void withKeepAlivesDisabledABodyClosedEarlyClosesItsConnection() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, HELLO));
				Transport transport = Transport.builder().disableKeepAlives(true).build()) {
			for (int i = 0; i < 3; i++) {
				transport.roundTrip(Request.get(server.uri("/" + i))).close();
			}
			for (int id = 1; id <= 3; id++) {
				server.awaitClientClosed(id, WAIT);
			}
			assertThat(server.requests()).extracting(RecordedRequest::connectionId).containsExactly(1, 2, 3);
		}
	}

	private static boolean isInSocketRead(Thread thread) {
		for (StackTraceElement frame : thread.getStackTrace()) {
			if (frame.getClassName().startsWith("sun.nio.ch.") && frame.getMethodName().contains("read")) {
				return true;
			}
		}
		return false;
	}

	private static byte[] gzip(String text) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
			out.write(text.getBytes(StandardCharsets.UTF_8));
		}
		return Arrays.copyOf(bytes.toByteArray(), bytes.size());
	}

}
