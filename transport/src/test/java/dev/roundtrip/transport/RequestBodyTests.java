package dev.roundtrip.transport;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.EndlessBody;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Request bodies: a known length goes with {@code Content-Length}, an unknown one
 * chunked; a server that answers before it has read the whole body (and closes) gets its
 * answer returned, and that connection is not reused; a body that fails or breaks its own
 * length fails the request, never retried.
 */
class RequestBodyTests {

	private static final Duration WAIT = Await.PROMPTLY;

	// Go: TestTransportRequestWriteRoundTrip (known length)
	@Test
	void bodyOfKnownLengthIsSentWithContentLength() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "got " + ex.bodyText()));
				Transport transport = Transport.builder().build()) {
			Request post = Request.builder("POST", server.uri("/")).body(Request.Body.of("twelve bytes")).build();
			assertThat(Fetch.text(transport, post)).isEqualTo("got twelve bytes");
			RecordedRequest received = server.requests().get(0);
			assertThat(received.header("Content-Length")).isEqualTo("12");
			assertThat(received.header("Transfer-Encoding")).isNull();
		}
	}

	// Go: TestTransportRequestWriteRoundTrip (unknown length),
	// TestTransportFlushesBodyChunks
	@Test
	void bodyOfUnknownLengthIsSentChunked() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "got " + ex.bodyText()));
				Transport transport = Transport.builder().build()) {
			Request.Body pieces = new Request.Body() {

				@Override
				public long contentLength() {
					return -1;
				}

				@Override
				public void writeTo(OutputStream out) throws IOException {
					out.write("one ".getBytes(StandardCharsets.UTF_8));
					out.flush();
					out.write("two ".getBytes(StandardCharsets.UTF_8));
					out.write('3');
				}

			};
			Request post = Request.builder("POST", server.uri("/")).body(pieces).build();
			assertThat(Fetch.text(transport, post)).isEqualTo("got one two 3");
			RecordedRequest received = server.requests().get(0);
			assertThat(received.header("Transfer-Encoding")).isEqualTo("chunked");
			assertThat(received.header("Content-Length")).isNull();
			// The connection is still in step: a second request on it works.
			assertThat(Fetch.text(transport, post)).isEqualTo("got one two 3");
			assertThat(server.acceptedConnections()).isEqualTo(1);
		}
	}

	// Go: TestZeroLengthPostAndResponse, transferWriter ("POST without a body says
	// Content-Length: 0")
	@Test
	void postWithoutABodySaysContentLengthZero() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, Request.builder("POST", server.uri("/")).build())).isEqualTo("ok");
			assertThat(server.requests().get(0).header("Content-Length")).isEqualTo("0");
		}
	}

	/**
	 * The server reads the head, answers 413 and closes without reading the body: the
	 * client's write fails part-way (the body is far larger than the socket buffers), and
	 * the answer waiting in its receive buffer is returned.
	 */
	// Go: TestTransportPrefersResponseOverWriteError,
	// TestTransportNoReuseAfterEarlyResponse, TestIssue3595
	@Test
	void earlyAnswerToABodyStillBeingSentIsReturnedAndItsConnectionIsNotReused() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = ScriptedServer.builder().lazyBodies().start((ex) -> {
			if (ex.method().equals("POST")) {
				ex.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\n\r\ntoo large");
				// Unread body bytes make the close a reset: the client's next write
				// fails.
				ex.close();
				return;
			}
			ex.respond(200, "small is fine");
		}); Transport transport = Transport.builder().listener(listener).build()) {
			Request post = Request.builder("POST", server.uri("/upload")).body(zeros(256L * 1024 * 1024)).build();
			try (Response response = transport.roundTrip(post)) {
				assertThat(response.status()).isEqualTo(413);
				assertThat(Fetch.readToEof(response)).isEqualTo("too large");
			}
			assertThat(transport.stats().open()).as("the connection the body was cut off on is gone").isZero();
			assertThat(listener.closeReasonsOf(server.connection(1).clientPort())).containsExactly(CloseReason.ERROR);
			assertThat(Fetch.text(transport, server.uri("/next"))).isEqualTo("small is fine");
			assertThat(server.requestsOn(2)).extracting(RecordedRequest::target).containsExactly("/next");
		}
	}

	/**
	 * The server answers 413 and keeps the connection open without reading: no reset ever
	 * fails the client's write. Go's write loop returns the answer anyway; here the
	 * watchdog sees the write stalled with an answer waiting, and ends the write.
	 */
	// Go: TestTransportPrefersResponseOverWriteError (a server that stays connected)
	@Test
	void earlyAnswerIsReturnedWhileTheServerKeepsTheConnectionOpenWithoutReading() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (ScriptedServer server = ScriptedServer.builder().lazyBodies().start((ex) -> {
			ex.write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 9\r\nConnection: close\r\n\r\ntoo large");
			ex.stallUntil(release);
		}); Transport transport = Transport.builder().build()) {
			EndlessBody body = new EndlessBody();
			Request put = Request.builder("PUT", server.uri("/upload")).body(body).build();
			Background<String> call = Background.start("upload", () -> {
				try (Response response = transport.roundTrip(put)) {
					return response.status() + " " + Fetch.readToEof(response);
				}
			});
			try {
				assertThat(call.get(Await.PROMPTLY)).isEqualTo("413 too large");
			}
			finally {
				release.countDown();
			}
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: requestBodyReadError (a body that fails is the caller's error, not the
	// connection's)
	@Test
	void bodyThatThrowsFailsTheRequestAndIsNotRetried() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().build()) {
			assertThat(Fetch.text(transport, server.uri("/warm-up"))).isEqualTo("ok");
			Request.Body failing = new Request.Body() {

				@Override
				public long contentLength() {
					return 100;
				}

				@Override
				public void writeTo(OutputStream out) throws IOException {
					out.write(new byte[10]);
					throw new IOException("the file went away");
				}

				@Override
				public boolean isReplayable() {
					return true;
				}

			};
			Request put = Request.builder("PUT", server.uri("/file"))
				.header("Idempotency-Key", "k")
				.body(failing)
				.build();
			assertThatThrownBy(() -> transport.roundTrip(put)).isInstanceOf(IOException.class)
				.hasMessageContaining("Request body failed")
				.hasMessageContaining("the file went away")
				.hasMessageContaining("PUT " + server.url("/file"));
			server.awaitClientClosed(1, WAIT);
			assertThat(server.acceptedConnections()).as("no retry on a new connection").isEqualTo(1);
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: transferWriter ("http: ContentLength=N with Body length M")
	@Test
	void bodyShorterOrLongerThanItsContentLengthIsRejected() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				Transport transport = Transport.builder().build()) {
			Request shorter = Request.builder("POST", server.uri("/")).body(lying(10, 4)).build();
			assertThatThrownBy(() -> transport.roundTrip(shorter)).isInstanceOf(IOException.class)
				.hasMessageContaining("wrote 4 bytes but its contentLength() is 10");
			Request longer = Request.builder("POST", server.uri("/")).body(lying(3, 8)).build();
			assertThatThrownBy(() -> transport.roundTrip(longer)).isInstanceOf(IOException.class)
				.hasMessageContaining("longer than its contentLength() of 3 bytes");
			assertThat(transport.stats().open()).isZero();
			assertThat(server.requests()).as("nothing malformed reached the server as a request").isEmpty();
		}
	}

	private static Request.Body lying(long announced, int actual) {
		return new Request.Body() {

			@Override
			public long contentLength() {
				return announced;
			}

			@Override
			public void writeTo(OutputStream out) throws IOException {
				out.write(new byte[actual]);
			}

		};
	}

	/** {@code length} zero bytes, written 64 KiB at a time without holding them all. */
	private static Request.Body zeros(long length) {
		return new Request.Body() {

			@Override
			public long contentLength() {
				return length;
			}

			@Override
			public void writeTo(OutputStream out) throws IOException {
				byte[] chunk = new byte[64 * 1024];
				for (long left = length; left > 0; left -= chunk.length) {
					out.write(chunk, 0, (int) Math.min(chunk.length, left));
				}
			}

		};
	}

}
