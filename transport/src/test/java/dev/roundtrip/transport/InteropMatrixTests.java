package dev.roundtrip.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.realserver.Payloads;
import dev.roundtrip.transport.realserver.RealServer;
import dev.roundtrip.transport.realserver.RecordingApplication;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.RecordingListener.Event;
import dev.roundtrip.transport.testing.RecordingListener.Kind;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same cases against every real server ({@link RealServer.Kind}): embedded Tomcat,
 * Jetty 12 and Undertow, each running {@link RecordingApplication} as a plain
 * servlet/handler, and nginx (when installed; else its cases are skipped, saying why),
 * which serves files and its own answers where it can and proxies the rest. The report
 * reads server × case. Every case asserts status, headers and body bytes, and each runs
 * on a fresh transport, so the connections it used can be counted from both ends: the
 * transport's listener, and the application's record of the client connections the server
 * accepted.
 *
 * <p>
 * {@link RealServerTests} goes deeper on Tomcat and nginx (keep-alive limits, idle
 * closes, concurrency); {@link StaleConnectionRaceTests} runs these servers with a short
 * keep-alive timeout.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InteropMatrixTests {

	private static final Duration EXCHANGE = Duration.ofSeconds(10);

	private static final int ONE_MEGABYTE = 1024 * 1024;

	@Nested
	@DisplayName("Tomcat")
	class OnTomcat extends Matrix {

		OnTomcat() {
			super(RealServer.Kind.TOMCAT);
		}

	}

	@Nested
	@DisplayName("Jetty")
	class OnJetty extends Matrix {

		OnJetty() {
			super(RealServer.Kind.JETTY);
		}

	}

	@Nested
	@DisplayName("Undertow")
	class OnUndertow extends Matrix {

		OnUndertow() {
			super(RealServer.Kind.UNDERTOW);
		}

	}

	@Nested
	@DisplayName("nginx")
	class OnNginx extends Matrix {

		OnNginx() {
			super(RealServer.Kind.NGINX);
		}

	}

	/** The cases, for one server. */
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	abstract static class Matrix {

		private final RealServer.Kind kind;

		private RealServer server;

		private RecordingListener listener;

		Matrix(RealServer.Kind kind) {
			this.kind = kind;
		}

		@BeforeAll
		void startServer() throws Exception {
			if (this.kind.isAvailable()) {
				this.server = this.kind.start(Duration.ofSeconds(60));
			}
		}

		@AfterAll
		void stopServer() throws Exception {
			if (this.server != null) {
				this.server.close();
			}
		}

		// Per test rather than in @BeforeAll, so that each case is reported skipped,
		// with the reason.
		@BeforeEach
		void skipUnlessAvailableAndForgetEarlierRequests() {
			Assumptions.assumeTrue(this.server != null, this.kind::unavailableReason);
			this.server.application().reset();
			this.listener = new RecordingListener();
		}

		@Test
		void getOfNoBytesAnswersAnEmptyBodyOfLengthZero() throws Exception {
			try (Transport transport = transport(); Response response = transport.roundTrip(get("/bytes/0"))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.headers().get("Content-Length")).isEqualTo("0");
				assertThat(response.headers().get("Content-Type")).startsWith("application/octet-stream");
				assertThat(response.body().readAllBytes()).isEmpty();
			}
		}

		@Test
		void getOf13BytesAnswersExactlyThoseBytes() throws Exception {
			try (Transport transport = transport(); Response response = transport.roundTrip(get("/bytes/13"))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.headers().get("Content-Length")).isEqualTo("13");
				assertThat(response.headers().get("Transfer-Encoding")).isNull();
				assertThat(response.body().readAllBytes()).isEqualTo(Payloads.text(13, 13));
			}
		}

		@Test
		void getOfOneMegabyteAnswersExactlyThoseBytes() throws Exception {
			try (Transport transport = transport();
					Response response = transport.roundTrip(get("/bytes/" + ONE_MEGABYTE))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(ONE_MEGABYTE));
				assertThat(response.headers().get("Content-Encoding")).isNull();
				assertThat(response.body().readAllBytes()).isEqualTo(Payloads.text(ONE_MEGABYTE, ONE_MEGABYTE));
			}
		}

		@Test
		void chunkedBodyIsReadExactlyAndTheConnectionIsReused() throws Exception {
			try (Transport transport = transport()) {
				for (int i = 0; i < 2; i++) {
					try (Response response = transport.roundTrip(get("/chunked?pieces=20&size=1000"))) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
						assertThat(response.headers().get("Content-Length")).isNull();
						assertThat(response.body().readAllBytes()).isEqualTo(Payloads.text(20_000, 20));
					}
				}
				assertOneConnection(2);
			}
		}

		@Test
		void headHasTheLengthButNoBodyAndKeepsTheConnection() throws Exception {
			try (Transport transport = transport()) {
				Request head = Request.builder("HEAD", this.server.uri("/bytes/" + ONE_MEGABYTE))
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(head)) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(ONE_MEGABYTE));
					assertThat(response.body().readAllBytes()).isEmpty();
				}
				expect13Bytes(transport, get("/bytes/13"));
				assertOneConnection(2);
			}
		}

		@Test
		void headOfACompressibleBodyHasNoBodyToDecodeAndKeepsTheConnection() throws Exception {
			try (Transport transport = transport()) {
				Request head = Request.builder("HEAD", this.server.uri("/text/100000")).timeout(EXCHANGE).build();
				try (Response response = transport.roundTrip(head)) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.headers().get("Content-Type")).startsWith("text/plain");
					assertThat(response.body().readAllBytes()).isEmpty();
				}
				expect13Bytes(transport, get("/bytes/13"));
				assertOneConnection(2);
			}
		}

		@Test
		void noContentHasNoBodyAndKeepsTheConnection() throws Exception {
			try (Transport transport = transport()) {
				try (Response response = transport.roundTrip(get("/status/204"))) {
					assertThat(response.status()).isEqualTo(204);
					assertThat(response.headers().get("Content-Length")).isNull();
					assertThat(response.headers().get("Transfer-Encoding")).isNull();
					assertThat(response.body().readAllBytes()).isEmpty();
				}
				expect13Bytes(transport, get("/bytes/13"));
				assertOneConnection(2);
			}
		}

		@Test
		void notModifiedHasNoBodyAndKeepsTheConnection() throws Exception {
			try (Transport transport = transport()) {
				String etag;
				try (Response response = transport.roundTrip(get("/etag"))) {
					assertThat(response.status()).isEqualTo(200);
					etag = response.headers().get("ETag");
					assertThat(etag).startsWith("\"").endsWith("\"");
					assertThat(Fetch.readToEof(response)).isEqualTo(RecordingApplication.ETAG_BODY);
				}
				Request conditional = Request.builder("GET", this.server.uri("/etag"))
					.header("If-None-Match", etag)
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(conditional)) {
					assertThat(response.status()).isEqualTo(304);
					assertThat(response.headers().get("ETag")).isEqualTo(etag);
					assertThat(response.headers().get("Transfer-Encoding")).isNull();
					assertThat(response.body().readAllBytes()).isEmpty();
				}
				expect13Bytes(transport, get("/bytes/13"));
				assertOneConnection(3);
			}
		}

		@Test
		void gzipIsDecodedTransparentlyOrLeftEncodedWhenTheCallerAskedForIt() throws Exception {
			byte[] text = Payloads.text(100_000, 100_000);
			try (Transport transport = transport()) {
				try (Response response = transport.roundTrip(get("/text/100000"))) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.headers().get("Content-Type")).startsWith("text/plain");
					assertThat(response.headers().get("Content-Encoding")).as("removed once decoded").isNull();
					assertThat(response.headers().get("Content-Length")).as("removed once decoded").isNull();
					assertThat(response.body().readAllBytes()).isEqualTo(text);
				}
				Request asked = Request.builder("GET", this.server.uri("/text/100000"))
					.header("Accept-Encoding", "gzip")
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(asked)) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
					byte[] raw = response.body().readAllBytes();
					assertThat(raw.length).as("compressed").isLessThan(text.length);
					assertThat(new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes()).isEqualTo(text);
				}
				assertOneConnection(2);
			}
		}

		@Test
		void postOfKnownLengthIsEchoedExactly() throws Exception {
			byte[] body = Payloads.text(100_000, 1);
			try (Transport transport = transport();
					Response response = transport.roundTrip(post("/echo", Request.Body.of(body)))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.headers().get("X-Seen-Content-Length")).isEqualTo("100000");
				assertThat(response.headers().get("X-Seen-Transfer-Encoding")).isEqualTo("null");
				assertThat(response.headers().get("Content-Length")).isEqualTo("100000");
				assertThat(response.body().readAllBytes()).isEqualTo(body);
			}
		}

		@Test
		void chunkedPostIsEchoedExactly() throws Exception {
			byte[] body = Payloads.text(150_000, 2);
			try (Transport transport = transport();
					Response response = transport.roundTrip(post("/echo", Payloads.streamed(body, 7_000)))) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.headers().get("X-Seen-Content-Length")).isEqualTo("null");
				assertThat(response.headers().get("X-Seen-Transfer-Encoding")).isEqualToIgnoringCase("chunked");
				assertThat(response.headers().get("Content-Length")).isEqualTo("150000");
				assertThat(response.body().readAllBytes()).isEqualTo(body);
			}
		}

		// The transport would wait an hour for the 100 and the exchange is bounded to
		// seconds, so a body that comes back was sent on the server's 100 Continue.
		@Test
		void expectContinueIsAnsweredAndTheBodyFollows() throws Exception {
			byte[] body = Payloads.text(64 * 1024, 3);
			try (Transport transport = Transport.builder()
				.listener(this.listener)
				.expectContinueTimeout(Duration.ofHours(1))
				.build()) {
				for (int i = 0; i < 2; i++) {
					Request request = Request.builder("PUT", this.server.uri("/echo"))
						.header("Expect", "100-continue")
						.body(Request.Body.of(body))
						.timeout(EXCHANGE)
						.build();
					try (Response response = transport.roundTrip(request)) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("X-Seen-Expect")).isEqualTo("100-continue");
						assertThat(response.headers().get("X-Seen-Content-Length")).isEqualTo("65536");
						assertThat(response.body().readAllBytes()).isEqualTo(body);
					}
				}
				assertOneConnection(2);
			}
		}

		// The application answers 401 without reading the body. Whether the server sent
		// 100 Continue first (Tomcat at once, nginx as it reads the body to proxy it) or
		// not (Jetty and Undertow send it on the first read), the final answer arrives
		// whole and the next request succeeds.
		@Test
		void expectContinueRefusedGetsTheFinalAnswerAndTheNextRequestSucceeds() throws Exception {
			byte[] body = Payloads.text(64 * 1024, 4);
			try (Transport transport = Transport.builder()
				.listener(this.listener)
				.expectContinueTimeout(Duration.ofHours(1))
				.build()) {
				Request request = Request.builder("PUT", this.server.uri("/reject"))
					.header("Expect", "100-continue")
					.body(Request.Body.of(body))
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(request)) {
					assertThat(response.status()).isEqualTo(401);
					// Undertow gzips even this (so its length is gone once decoded); the
					// others
					// send it as it is.
					assertThat(response.headers().get("Content-Type")).startsWith("text/plain");
					assertThat(Fetch.readToEof(response)).isEqualTo("no body wanted");
				}
				expect13Bytes(transport, get("/bytes/13"));
				assertThat(this.server.application().requests()).as("requests the application saw").isBetween(1, 2);
			}
		}

		@Test
		void fiftySequentialRequestsUseOneConnectionCountedByTheServer() throws Exception {
			try (Transport transport = transport()) {
				for (int i = 1; i <= 50; i++) {
					try (Response response = transport.roundTrip(get("/hello/" + i))) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Content-Type")).startsWith("text/plain");
						assertThat(Fetch.readToEof(response)).isEqualTo("hello /hello/" + i);
					}
				}
				assertOneConnection(50);
				assertThat(this.server.application().requestsByConnection().values())
					.as("requests on each connection the server accepted")
					.containsExactly(50);
			}
		}

		@Test
		void httpsWithACertificateMadeAtTestTimeCarriesGetsAndPostsOnOneConnection() throws Exception {
			byte[] body = Payloads.text(50_000, 5);
			try (Transport transport = Transport.builder()
				.listener(this.listener)
				.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
				.build()) {
				expect13Bytes(transport,
						Request.builder("GET", this.server.httpsUri("/bytes/13")).timeout(EXCHANGE).build());
				Request echo = Request.builder("POST", this.server.httpsUri("/echo"))
					.body(Payloads.streamed(body, 4_096))
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(echo)) {
					assertThat(response.status()).isEqualTo(200);
					assertThat(response.headers().get("X-Seen-Transfer-Encoding")).isEqualToIgnoringCase("chunked");
					assertThat(response.body().readAllBytes()).isEqualTo(body);
				}
				expect13Bytes(transport,
						Request.builder("GET", this.server.httpsUri("/bytes/13")).timeout(EXCHANGE).build());
				assertThat(this.listener.events(Kind.CLOSED)).isEmpty();
				assertThat(this.listener.events(Kind.DIAL_SUCCEEDED)).hasSize(1);
				// nginx serves /bytes/ itself; its application sees only the echo.
				assertThat(this.server.application().requestsByConnection()).hasSize(1);
			}
		}

		private Transport transport() {
			return Transport.builder().listener(this.listener).build();
		}

		private void expect13Bytes(Transport transport, Request request) throws IOException {
			try (Response response = transport.roundTrip(request)) {
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.headers().get("Content-Length")).isEqualTo("13");
				assertThat(response.body().readAllBytes()).isEqualTo(Payloads.text(13, 13));
			}
		}

		/**
		 * All {@code requests} went over one connection: dialed once and reused after,
		 * never closed, and (for the requests that reached the application) one
		 * connection as the server counts them.
		 */
		private void assertOneConnection(int requests) {
			List<Boolean> reused = this.listener.events(Kind.ACQUIRED)
				.stream()
				.map(Event::reused)
				.collect(Collectors.toList());
			assertThat(reused).as("acquisitions").hasSize(requests).containsOnlyOnce(false).first().isEqualTo(false);
			assertThat(this.listener.events(Kind.CLOSED)).as("connections closed").isEmpty();
			assertThat(this.server.application().requestsByConnection()).as("connections the server accepted")
				.hasSizeLessThanOrEqualTo(1);
		}

		private Request get(String pathAndQuery) {
			return Request.builder("GET", this.server.uri(pathAndQuery)).timeout(EXCHANGE).build();
		}

		private Request post(String pathAndQuery, Request.Body body) {
			return Request.builder("POST", this.server.uri(pathAndQuery)).body(body).timeout(EXCHANGE).build();
		}

	}

}
