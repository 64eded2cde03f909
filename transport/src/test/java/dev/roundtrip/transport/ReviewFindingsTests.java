package dev.roundtrip.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bugs found in the pre-release review of the transport core, each pinned by the scenario
 * that exposed it.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReviewFindingsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void releaseServer() {
		this.release.countDown();
	}

	/**
	 * A retried request keeps its request timeout: the first attempt's failure ended the
	 * call's watch by the watchdog, so a retry whose write blocked (the server stopped
	 * reading) was never timed out.
	 */
	@Test
	void requestTimeoutStillLimitsTheRetryOfAReplayableRequest() throws Exception {
		int length = 64 * 1024 * 1024; // far more than loopback socket buffers hold
		try (RawServer server = RawServer.start((conn) -> {
			if (conn.id() == 1) {
				conn.readHead();
				conn.respond(200, "first");
				// The retried PUT: read whole, then closed without a byte of answer.
				List<String> head = conn.readHead();
				conn.in().skipNBytes(Long.parseLong(RawServer.header(head, "Content-Length")));
				return;
			}
			// The retry's connection: reads the head and nothing more, so the body's
			// write blocks.
			conn.readHead();
			this.release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}); Transport transport = Transport.builder().build()) {
			try (Response first = transport.roundTrip(Request.get(server.uri("http", "/first")))) {
				assertThat(first.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("first");
			}
			Request put = Request.builder("PUT", server.uri("http", "/big"))
				.header("Idempotency-Key", "k1")
				.timeout(Duration.ofSeconds(2))
				.body(new ZeroBody(length))
				.build();
			Background<Response> running = Background.start("put", () -> transport.roundTrip(put));
			server.awaitAccepted(2, WAIT);

			Throwable failure = running.failure(WAIT);

			assertThat(failure).isInstanceOf(TransportTimeoutException.class);
			assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(Limit.CALL);
			Await.until(() -> transport.stats().open() == 0, WAIT, () -> "nothing left open: " + transport.stats());
		}
	}

	/**
	 * {@link Transport#close()} lets exchanges in flight finish, but it stopped the
	 * watchdog, so a call in flight whose write was blocked (the server stopped reading)
	 * outlived its request timeout forever.
	 */
	@Test
	void requestTimeoutOfACallInFlightStillFiresAfterTheTransportIsClosed() throws Exception {
		CountDownLatch headRead = new CountDownLatch(1);
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			headRead.countDown();
			this.release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		})) {
			Transport transport = Transport.builder().build();
			Request put = Request.builder("PUT", server.uri("http", "/big"))
				.timeout(Duration.ofSeconds(2))
				.body(new ZeroBody(64 * 1024 * 1024))
				.build();
			Background<Response> running = Background.start("put", () -> transport.roundTrip(put));
			assertThat(headRead.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the request is being sent").isTrue();

			transport.close();
			Throwable failure = running.failure(WAIT);

			assertThat(failure).isInstanceOf(TransportTimeoutException.class);
			assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(Limit.CALL);
			Await.until(() -> transport.stats().open() == 0, WAIT, () -> "nothing left open: " + transport.stats());
		}
	}

	/**
	 * A gzip body whose framing is cut short inside the header of a second gzip member:
	 * GZIPInputStream swallows the read failure there and reports the end of the stream,
	 * and the body then read as a silently shorter one.
	 */
	@Test
	void gzipBodyCutShortInsideASecondMemberHeaderIsAnErrorNotAShortBody() throws Exception {
		byte[] first = gzip("first member ".repeat(20).getBytes(StandardCharsets.UTF_8));
		byte[] second = secondMemberWithLongName();
		int sent = 40; // of the second member: past its fixed header, inside its file
						// name
		try (RawServer server = RawServer.start((conn) -> {
			conn.readHead();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			response.write(ServerExchange.head(200, first.length + second.length, "Content-Encoding: gzip")
				.concat("\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			response.write(first);
			response.write(second, 0, sent);
			conn.write(response.toByteArray());
			// The handler returns: the connection closes short of the Content-Length.
		});
				Transport transport = Transport.builder().build();
				Response response = transport.roundTrip(Request.get(server.uri("http", "/gz")))) {
			InputStream body = response.body();
			assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
		}
	}

	private static byte[] gzip(byte[] bytes) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(bytes);
		}
		return out.toByteArray();
	}

	/**
	 * A gzip member whose header carries a 200-byte file name (FNAME), so the header is
	 * long.
	 */
	private static byte[] secondMemberWithLongName() throws IOException {
		byte[] plain = gzip("second member".getBytes(StandardCharsets.UTF_8));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] header = Arrays.copyOfRange(plain, 0, 10);
		header[3] = 0x08; // FLG.FNAME
		out.write(header);
		byte[] name = new byte[200];
		Arrays.fill(name, (byte) 'n');
		out.write(name);
		out.write(0);
		out.write(plain, 10, plain.length - 10);
		return out.toByteArray();
	}

	/** A replayable body of zeros, written in 64 KiB pieces. */
	private record ZeroBody(long length) implements Request.Body {

		@Override
		public long contentLength() {
			return this.length;
		}

		@Override
		public void writeTo(OutputStream out) throws IOException {
			byte[] piece = new byte[64 * 1024];
			long left = this.length;
			while (left > 0) {
				int n = (int) Math.min(piece.length, left);
				out.write(piece, 0, n);
				left -= n;
			}
		}

		@Override
		public boolean isReplayable() {
			return true;
		}

	}

}
