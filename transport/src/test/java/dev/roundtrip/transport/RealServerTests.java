package dev.roundtrip.transport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.realserver.EmbeddedTomcat;
import dev.roundtrip.transport.realserver.KernelTcpTable;
import dev.roundtrip.transport.realserver.NginxServer;
import dev.roundtrip.transport.realserver.Payloads;
import dev.roundtrip.transport.realserver.RecordingServlet;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.RecordingListener.Event;
import dev.roundtrip.transport.testing.RecordingListener.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The important behaviours again, against real servers on loopback rather than a scripted
 * one: embedded Tomcat (a plain servlet, no Spring) always, and nginx when the machine
 * has it (else those tests are skipped, saying so). The scripted-server suites pin the
 * exact bytes; these show that the same behaviours hold against the framing, keep-alive
 * policies and timing of servers people run: reuse, chunked and gzip bodies, request
 * bodies, {@code Expect: 100-continue}, the servers' own keep-alive limits and idle
 * timeouts, and many threads at once.
 *
 * <p>
 * Connections are counted from both ends: the transport's listener (dials, reused
 * acquisitions, close reasons) and, on Tomcat, the client ports the servlet saw
 * ({@code request.getRemotePort()}).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealServerTests {

	/** Bounds each exchange, so a hang fails the test that caused it. */
	private static final Duration EXCHANGE = Duration.ofSeconds(10);

	private static final Duration WAIT = Await.PROMPTLY;

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class OnTomcat {

		private static final String DEFAULTS = "defaults";

		private static final String MAX_KEEP_ALIVE_5 = "maxKeepAliveRequests=5";

		private static final String KEEP_ALIVE_TIMEOUT_200MS = "keepAliveTimeout=200ms";

		private static final String CONTINUE_ON_READ = "continueResponseTiming=onRead";

		private final RecordingServlet servlet = new RecordingServlet();

		private EmbeddedTomcat tomcat;

		@BeforeAll
		void startTomcat() throws Exception {
			this.tomcat = EmbeddedTomcat.start(this.servlet,
					Map.of(DEFAULTS, Map.of(), MAX_KEEP_ALIVE_5, Map.of("maxKeepAliveRequests", "5"),
							// Tomcat's poller looks for expired connections once per
							// selectorTimeout (default 1 s).
							KEEP_ALIVE_TIMEOUT_200MS, Map.of("keepAliveTimeout", "200", "selectorTimeout", "20"),
							CONTINUE_ON_READ, Map.of("continueResponseTiming", "onRead")));
		}

		@AfterAll
		void stopTomcat() throws Exception {
			if (this.tomcat != null) {
				this.tomcat.close();
			}
		}

		@BeforeEach
		void forgetEarlierRequests() {
			this.servlet.reset();
		}

		// Go: TestTransportKeepAlives, TestTransportReadToEndReusesConn
		@Test
		void sequentialGetsReadToEofShareOneConnection() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 1; i <= 10; i++) {
					try (Response response = transport.roundTrip(get(this.tomcat.uri(DEFAULTS, "/hello/" + i)))) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(text(response)).isEqualTo("hello /hello/" + i);
					}
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, true, true, true, true, true,
						true, true);
				assertServerSawTheDialedConnections(listener, 1);
				assertThat(this.servlet.requestsByClientPort().values()).containsExactly(10);
				assertThat(transport.stats().idle()).isEqualTo(1);
				assertThat(transport.stats().active()).isZero();
			}
		}

		// Go: TestTransportReadToEndReusesConn ("/chunked/")
		@Test
		void chunkedResponseBodiesAreReadExactlyAndTheConnectionIsReused() throws Exception {
			RecordingListener listener = new RecordingListener();
			int[][] shapes = { { 1, 10 }, { 5, 1000 }, { 20, 8192 }, { 3, 1 } };
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int[] shape : shapes) {
					int pieces = shape[0];
					int size = shape[1];
					URI uri = this.tomcat.uri(DEFAULTS, "/chunked?pieces=" + pieces + "&size=" + size);
					try (Response response = transport.roundTrip(get(uri))) {
						assertThat(response.headers().get("Transfer-Encoding")).as("Tomcat's framing")
							.isEqualToIgnoringCase("chunked");
						assertThat(response.headers().get("Content-Length")).isNull();
						assertThat(response.body().readAllBytes()).as(pieces + " pieces of " + size)
							.isEqualTo(Payloads.text(pieces * size, pieces));
					}
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, true);
				assertServerSawTheDialedConnections(listener, 1);
			}
		}

		// Go: TestTransportGzip, TestTransportReuseConnection_Gzip_Chunked,
		// TestTransportReuseConnection_Gzip_ContentLength
		@Test
		void gzipBodiesAreDecodedTransparentlyAndTheConnectionIsReused() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (String length : List.of("known", "unknown", "known", "unknown")) {
					for (int size : new int[] { 1, 100_000 }) {
						URI uri = this.tomcat.uri(DEFAULTS, "/gzip?size=" + size + "&length=" + length);
						try (Response response = transport.roundTrip(get(uri))) {
							assertThat(response.headers().get("X-Seen-Accept-Encoding")).isEqualTo("gzip, deflate");
							assertThat(response.headers().get("Content-Encoding")).as("removed once decoded").isNull();
							assertThat(response.headers().get("Content-Length")).as("removed once decoded").isNull();
							assertThat(response.body().readAllBytes()).as(size + " bytes, length " + length)
								.isEqualTo(Payloads.text(size, size));
						}
					}
				}
				assertThat(acquisitions(listener)).hasSize(8).containsOnlyOnce(false);
				assertServerSawTheDialedConnections(listener, 1);
			}
		}

		// Go: TestTransportGzip (a request that set Accept-Encoding itself gets the body
		// as sent)
		@Test
		void gzipAskedForByTheCallerIsLeftEncoded() throws Exception {
			try (Transport transport = Transport.builder().build()) {
				Request request = Request.builder("GET", this.tomcat.uri(DEFAULTS, "/gzip?size=5000&length=known"))
					.header("Accept-Encoding", "gzip")
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(request)) {
					assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
					byte[] raw = response.body().readAllBytes();
					assertThat(raw).isEqualTo(Payloads.gzip(Payloads.text(5000, 5000)));
				}
			}
		}

		// Go: TestTransportRequestWriteRoundTrip (known, unknown and empty lengths)
		@Test
		void postBodiesOfKnownAndUnknownLengthAreEchoedExactly() throws Exception {
			RecordingListener listener = new RecordingListener();
			byte[] known = Payloads.text(100_000, 1);
			byte[] unknown = Payloads.text(150_000, 2);
			try (Transport transport = Transport.builder().listener(listener).build()) {
				URI echo = this.tomcat.uri(DEFAULTS, "/echo");
				try (Response response = transport.roundTrip(post(echo, Request.Body.of(known)))) {
					assertThat(response.headers().get("X-Seen-Content-Length")).isEqualTo("100000");
					assertThat(response.headers().get("X-Seen-Transfer-Encoding")).isEqualTo("null");
					assertThat(response.body().readAllBytes()).isEqualTo(known);
				}
				try (Response response = transport.roundTrip(post(echo, Payloads.streamed(unknown, 7_000)))) {
					assertThat(response.headers().get("X-Seen-Content-Length")).isEqualTo("null");
					assertThat(response.headers().get("X-Seen-Transfer-Encoding")).isEqualTo("chunked");
					assertThat(response.body().readAllBytes()).isEqualTo(unknown);
				}
				try (Response response = transport.roundTrip(post(echo, Request.Body.of(new byte[0])))) {
					assertThat(response.headers().get("X-Seen-Content-Length")).isEqualTo("0");
					assertThat(response.body().readAllBytes()).isEmpty();
				}
				try (Response response = transport.roundTrip(post(echo, Payloads.streamed(new byte[0], 1)))) {
					assertThat(response.headers().get("X-Seen-Transfer-Encoding")).isEqualTo("chunked");
					assertThat(response.body().readAllBytes()).isEmpty();
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, true);
				assertServerSawTheDialedConnections(listener, 1);
			}
		}

		// Go: TestTransportExpect100ContinueSent. The transport would wait an hour for
		// the 100 and the
		// exchange is bounded to seconds, so a body that arrives was sent on Tomcat's 100
		// Continue.
		@Test
		void expectContinueIsAnsweredByTomcatAndTheBodyFollows() throws Exception {
			RecordingListener listener = new RecordingListener();
			byte[] body = Payloads.text(64 * 1024, 3);
			try (Transport transport = Transport.builder()
				.listener(listener)
				.expectContinueTimeout(Duration.ofHours(1))
				.build()) {
				for (String connector : List.of(DEFAULTS, CONTINUE_ON_READ, DEFAULTS, CONTINUE_ON_READ)) {
					Request request = Request.builder("PUT", this.tomcat.uri(connector, "/echo"))
						.header("Expect", "100-continue")
						.body(Request.Body.of(body))
						.timeout(EXCHANGE)
						.build();
					try (Response response = transport.roundTrip(request)) {
						assertThat(response.status()).as(connector).isEqualTo(200);
						assertThat(response.headers().get("X-Seen-Expect")).isEqualTo("100-continue");
						assertThat(response.body().readAllBytes()).as(connector).isEqualTo(body);
					}
				}
				assertThat(acquisitions(listener)).as("one connection to each connector, reused")
					.containsExactly(false, false, true, true);
			}
		}

		// Go: TestTransportExpect100Continue200ResponseWithConnClose. With
		// continueResponseTiming=onRead,
		// a servlet that never reads the body gets no 100 Continue sent: Tomcat answers
		// 401 and closes.
		@Test
		void expectContinueRefusedByTheServletGetsTheFinalAnswerAndTheNextRequestSucceeds() throws Exception {
			byte[] body = Payloads.text(64 * 1024, 4);
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder()
				.listener(listener)
				.expectContinueTimeout(Duration.ofHours(1))
				.build()) {
				Request request = Request.builder("PUT", this.tomcat.uri(CONTINUE_ON_READ, "/reject"))
					.header("Expect", "100-continue")
					.body(Request.Body.of(body))
					.timeout(EXCHANGE)
					.build();
				try (Response response = transport.roundTrip(request)) {
					assertThat(response.status()).isEqualTo(401);
					assertThat(response.headers().get("Connection")).as("Tomcat will not read the unread body")
						.isEqualTo("close");
					assertThat(text(response)).isEqualTo("no body wanted");
				}
				assertThat(listener.events(Kind.CLOSED)).extracting(Event::reason)
					.as("body skipped, connection closed, as Go does on a final answer with Connection: close")
					.containsExactly(CloseReason.RESPONSE_CLOSE);
				try (Response response = transport.roundTrip(get(this.tomcat.uri(CONTINUE_ON_READ, "/hello/after")))) {
					assertThat(text(response)).isEqualTo("hello /hello/after");
				}
				assertThat(acquisitions(listener)).containsExactly(false, false);
				assertServerSawTheDialedConnections(listener, 2);
			}
		}

		// Tomcat's maxKeepAliveRequests: its last response on a connection says
		// Connection: close.
		// Go: TestTransportConnectionCloseOnResponse
		@Test
		void tomcatsMaxKeepAliveRequestsRotatesConnectionsWithoutAFailedRequest() throws Exception {
			RecordingListener listener = new RecordingListener();
			List<String> connectionHeaders = new ArrayList<>();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 1; i <= 20; i++) {
					try (Response response = transport
						.roundTrip(get(this.tomcat.uri(MAX_KEEP_ALIVE_5, "/hello/" + i)))) {
						assertThat(text(response)).isEqualTo("hello /hello/" + i);
						connectionHeaders.add(String.valueOf(response.headers().get("Connection")));
					}
				}
				for (int i = 0; i < 20; i++) {
					assertThat(connectionHeaders.get(i)).as("Connection header of response " + (i + 1))
						.isEqualTo(((i + 1) % 5 == 0) ? "close" : "null");
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, true, true, false, true, true,
						true, true, false, true, true, true, true, false, true, true, true, true);
				assertServerSawTheDialedConnections(listener, 4);
				assertThat(this.servlet.requestsByClientPort().values()).containsOnly(5);
				assertThat(listener.events(Kind.CLOSED)).extracting(Event::reason)
					.containsExactly(CloseReason.RESPONSE_CLOSE, CloseReason.RESPONSE_CLOSE, CloseReason.RESPONSE_CLOSE,
							CloseReason.RESPONSE_CLOSE);
				assertThat(transport.stats().open()).isZero();
			}
		}

		// Go: TestTransportServerClosingUnexpectedly, TestRetryRequestsOnError (server
		// closed an idle
		// connection). The Keep-Alive header is ignored so that only the idle probe can
		// notice.
		@Test
		void idleConnectionClosedByTomcatsKeepAliveTimeoutIsReplacedWithoutAFailedRequest() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).honorKeepAliveHeader(false).build()) {
				try (Response response = transport
					.roundTrip(get(this.tomcat.uri(KEEP_ALIVE_TIMEOUT_200MS, "/hello/1")))) {
					assertThat(text(response)).isEqualTo("hello /hello/1");
				}
				assertThat(transport.stats().idle()).isEqualTo(1);
				awaitTomcatClosed(KEEP_ALIVE_TIMEOUT_200MS, onlyDialedPort(listener));
				try (Response response = transport
					.roundTrip(get(this.tomcat.uri(KEEP_ALIVE_TIMEOUT_200MS, "/hello/2")))) {
					assertThat(text(response)).isEqualTo("hello /hello/2");
				}
				assertThat(acquisitions(listener)).as("no stale connection handed out").containsExactly(false, false);
				assertServerSawTheDialedConnections(listener, 2);
				assertThat(listener.events(Kind.CLOSED)).extracting(Event::reason)
					.containsExactly(CloseReason.SERVER_CLOSED);
				assertThat(this.servlet.requests()).as("no request retried after reaching Tomcat").isEqualTo(2);
			}
		}

		// The same with the transport's defaults, three times over. Tomcat 11 sends no
		// Keep-Alive header,
		// so the idle probe is what notices; had it announced a timeout, the pool would
		// have dropped the
		// connection itself (IDLE_TIMEOUT). Either way no request may fail.
		@Test
		void idleConnectionClosedByTomcatsKeepAliveTimeoutIsReplacedWithDefaultSettings() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 1; i <= 3; i++) {
					try (Response response = transport
						.roundTrip(get(this.tomcat.uri(KEEP_ALIVE_TIMEOUT_200MS, "/hello/" + i)))) {
						assertThat(text(response)).isEqualTo("hello /hello/" + i);
					}
					List<Event> dials = listener.events(Kind.DIAL_SUCCEEDED);
					awaitTomcatClosed(KEEP_ALIVE_TIMEOUT_200MS, dials.get(dials.size() - 1).localPort());
				}
				assertThat(acquisitions(listener)).containsExactly(false, false, false);
				assertServerSawTheDialedConnections(listener, 3);
				assertThat(listener.events(Kind.CLOSED)).extracting(Event::reason)
					.hasSize(2)
					.allSatisfy(
							(reason) -> assertThat(reason).isIn(CloseReason.SERVER_CLOSED, CloseReason.IDLE_TIMEOUT));
				assertThat(this.servlet.requests()).isEqualTo(3);
			}
		}

		// Go: TestTransportConcurrency, TestStressSurpriseServerCloses (the server's
		// closes announced).
		// Half the threads use the connector that closes every fifth response, so
		// connections come and
		// go under load.
		@Test
		void manyConcurrentRequestsAllSucceedAndLeaveNothingActive() throws Exception {
			int threads = 64;
			int requestsPerThread = 20;
			RecordingListener listener = new RecordingListener();
			// No idle caps: under this churn (every fifth response closes on one
			// connector) late dials pool
			// connections that sink to the bottom of the idle stack, more than the
			// default caps of 100 at
			// times, and MAX_IDLE closes would hide the closes this test is about.
			try (Transport transport = Transport.builder()
				.listener(listener)
				.maxIdleConns(0)
				.maxIdleConnsPerHost(Integer.MAX_VALUE)
				.build()) {
				List<Throwable> failures = concurrently(threads, requestsPerThread, (thread, i) -> {
					String connector = (thread % 2 == 0) ? DEFAULTS : MAX_KEEP_ALIVE_5;
					String path = "/hello/" + thread + "/" + i;
					expectBody(transport, this.tomcat.uri(connector, path), "hello " + path);
				});
				assertThat(failures).isEmpty();
				assertThat(this.servlet.requests()).as("requests that reached Tomcat: none lost, none repeated")
					.isEqualTo(threads * requestsPerThread);
				awaitLateDials(transport);
				PoolStats stats = transport.stats();
				assertThat(stats.active()).isZero();
				assertThat(stats.dialing()).isZero();
				assertThat(stats.waiting()).isZero();
				// Only Tomcat's announced closes end connections here (every fifth
				// response on one connector).
				List<Event> closed = listener.events(Kind.CLOSED);
				assertThat(closed).extracting(Event::reason)
					.allSatisfy((reason) -> assertThat(reason).isEqualTo(CloseReason.RESPONSE_CLOSE))
					.hasSizeGreaterThanOrEqualTo(threads / 2 * requestsPerThread / 5 / 2);
				// Counted by connection, not by port: the kernel reuses the ports of
				// closed connections.
				// Close events are told just after the pool's books change, so wait for
				// them to agree.
				Await.until(
						() -> transport.stats().idle() == listener.events(Kind.DIAL_SUCCEEDED).size()
								- listener.events(Kind.CLOSED).size(),
						WAIT,
						() -> "every dialed connection not closed is idle: " + transport.stats().idle() + " idle, "
								+ listener.events(Kind.DIAL_SUCCEEDED).size() + " dialed, "
								+ listener.events(Kind.CLOSED).size() + " closed");
				Set<Integer> dialed = dialedPorts(listener);
				// A dial that loses the race to a returned connection still pools its
				// connection (as in Go),
				// so some dialed connections may carry no request.
				assertThat(this.servlet.requestsByClientPort().keySet()).as("client ports the servlet saw")
					.isSubsetOf(dialed);
			}
		}

		/**
		 * Waits until Tomcat has closed its end of the connection from {@code clientPort}
		 * and, where the kernel shows it, its FIN has reached the client (Tomcat forgets
		 * a connection a moment before it closes the socket), so the next request meets a
		 * connection closed by the server.
		 */
		private void awaitTomcatClosed(String connector, int clientPort) {
			int serverPort = this.tomcat.port(connector);
			Await.until(
					() -> !this.tomcat.openClientPorts(connector).contains(clientPort)
							&& (!KernelTcpTable.isReadable() || KernelTcpTable.state(clientPort, serverPort)
								.map((state) -> state.equals("CLOSE_WAIT"))
								.orElse(true)),
					WAIT,
					() -> "Tomcat to close the idle connection from client port " + clientPort + " on " + connector
							+ "; Tomcat holds connections from " + this.tomcat.openClientPorts(connector)
							+ ", the client end is " + KernelTcpTable.state(clientPort, serverPort).orElse("gone"));
		}

		/**
		 * The servlet saw requests from exactly the client ports the transport dialed
		 * from.
		 */
		private void assertServerSawTheDialedConnections(RecordingListener listener, int connections) {
			assertThat(dialedPorts(listener)).as("connections the transport dialed").hasSize(connections);
			assertThat(this.servlet.requestsByClientPort().keySet()).as("client ports the servlet saw")
				.isEqualTo(dialedPorts(listener));
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class OnNginx {

		private static final int ONE_MEGABYTE = 1024 * 1024;

		private final byte[] bigFile = Payloads.text(ONE_MEGABYTE, 42);

		private NginxServer nginx;

		private long masterPid;

		@BeforeAll
		void startNginxIfInstalled() throws IOException {
			Optional<Path> binary = NginxServer.findBinary();
			if (binary.isPresent()) {
				this.nginx = NginxServer.start(binary.get(), Map.of("big.txt", this.bigFile));
				this.masterPid = this.nginx.masterPid();
			}
		}

		// Per test rather than in @BeforeAll, so that each test is reported skipped, with
		// this message.
		@BeforeEach
		void skipWithoutNginx() {
			Assumptions.assumeTrue(this.nginx != null,
					"nginx is not installed (looked for /usr/sbin/nginx and nginx on PATH, or -D"
							+ NginxServer.BINARY_PROPERTY + " said none), so the nginx tests are skipped;"
							+ " install it (e.g. apt-get install nginx-light) to run them");
		}

		@AfterAll
		void stopNginx() throws IOException {
			if (this.nginx != null) {
				this.nginx.close();
				assertThat(ProcessHandle.of(this.masterPid).filter(ProcessHandle::isAlive)).as("nginx master")
					.isEmpty();
			}
		}

		// Go: TestTransportKeepAlives
		@Test
		void sequentialGetsReadToEofShareOneConnection() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 1; i <= 10; i++) {
					try (Response response = transport.roundTrip(get(this.nginx.uri("/?i=" + i)))) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Server")).startsWith("nginx");
						assertThat(text(response)).isEqualTo(NginxServer.HELLO);
					}
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, true, true, true, true, true,
						true, true);
				assertThat(transport.stats().destinations()).singleElement()
					.satisfies((destination) -> assertThat(destination.connections()).singleElement()
						.satisfies((connection) -> assertThat(connection.requests()).isEqualTo(10)));
			}
		}

		// nginx's keepalive_requests: the last response on a connection says Connection:
		// close.
		@Test
		void keepaliveRequestsRotatesConnectionsWithoutAFailedRequest() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 1; i <= 9; i++) {
					try (Response response = transport.roundTrip(get(this.nginx.uri("/rotate/" + i)))) {
						assertThat(text(response)).isEqualTo(NginxServer.HELLO);
						assertThat(response.headers().get("Connection")).as("Connection header of response " + i)
							.isEqualToIgnoringCase((i % 3 == 0) ? "close" : "keep-alive");
					}
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, false, true, true, false, true,
						true);
				assertThat(dialedPorts(listener)).hasSize(3);
				assertThat(listener.events(Kind.CLOSED)).extracting(Event::reason)
					.containsExactly(CloseReason.RESPONSE_CLOSE, CloseReason.RESPONSE_CLOSE,
							CloseReason.RESPONSE_CLOSE);
				assertThat(transport.stats().open()).isZero();
			}
		}

		// Go: TestTransportGzip, TestTransportReuseConnection_Gzip_Chunked; sendfile for
		// the plain one
		@Test
		void oneMegabyteStaticFileIsReadExactlyPlainAndGzipped() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 0; i < 2; i++) {
					Request plain = Request.builder("GET", this.nginx.uri("/static/big.txt"))
						.header("Accept-Encoding", "identity")
						.timeout(EXCHANGE)
						.build();
					try (Response response = transport.roundTrip(plain)) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(ONE_MEGABYTE));
						assertThat(response.body().readAllBytes()).isEqualTo(this.bigFile);
					}
					try (Response response = transport.roundTrip(get(this.nginx.uri("/static/big.txt")))) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Content-Encoding")).as("decoded").isNull();
						assertThat(response.body().readAllBytes()).isEqualTo(this.bigFile);
					}
				}
				assertThat(acquisitions(listener)).containsExactly(false, true, true, true);
			}
		}

		// Go: TestTransportHeadResponses, TestTransportHeadChunkedResponse
		@Test
		void headResponsesHaveNoBodyAndKeepTheConnection() throws Exception {
			RecordingListener listener = new RecordingListener();
			try (Transport transport = Transport.builder().listener(listener).build()) {
				for (int i = 0; i < 3; i++) {
					Request headBig = Request.builder("HEAD", this.nginx.uri("/static/big.txt"))
						.timeout(EXCHANGE)
						.build();
					try (Response response = transport.roundTrip(headBig)) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(ONE_MEGABYTE));
						assertThat(response.body().read()).isEqualTo(-1);
					}
					Request headHello = Request.builder("HEAD", this.nginx.uri("/")).timeout(EXCHANGE).build();
					try (Response response = transport.roundTrip(headHello)) {
						assertThat(response.status()).isEqualTo(200);
						assertThat(response.headers().get("Content-Length"))
							.isEqualTo(String.valueOf(NginxServer.HELLO.length()));
						assertThat(response.body().read()).isEqualTo(-1);
					}
					try (Response response = transport.roundTrip(get(this.nginx.uri("/")))) {
						assertThat(text(response)).as("a GET after the HEADs, on the same connection")
							.isEqualTo(NginxServer.HELLO);
					}
				}
				assertThat(acquisitions(listener)).hasSize(9).containsOnlyOnce(false);
			}
		}

		// Go: TestTransportConcurrency
		@Test
		void manyConcurrentRequestsAllSucceedAndLeaveNothingActive() throws Exception {
			int threads = 32;
			int requestsPerThread = 20;
			try (Transport transport = Transport.builder().build()) {
				List<Throwable> failures = concurrently(threads, requestsPerThread, (thread, i) -> {
					// Every third request to /rotate/ makes nginx close a connection
					// under load.
					String path = (i % 3 == 0) ? "/rotate/" + i : "/?i=" + i;
					expectBody(transport, this.nginx.uri(path), NginxServer.HELLO);
				});
				assertThat(failures).isEmpty();
				awaitLateDials(transport);
				PoolStats stats = transport.stats();
				assertThat(stats.active()).isZero();
				assertThat(stats.dialing()).isZero();
				assertThat(stats.waiting()).isZero();
			}
		}

	}

	/** One request of a concurrent run: thread number and request number within it. */
	@FunctionalInterface
	private interface ConcurrentRequest {

		void run(int thread, int request) throws Exception;

	}

	/**
	 * Runs {@code requestsPerThread} requests on each of {@code threads} threads at once
	 * and returns what failed; bounded in time.
	 */
	private static List<Throwable> concurrently(int threads, int requestsPerThread, ConcurrentRequest request)
			throws Exception {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					for (int i = 0; i < requestsPerThread; i++) {
						try {
							request.run(thread, i);
						}
						catch (Exception | AssertionError ex) {
							failures.add(ex);
						}
					}
				}));
			}
			for (Future<?> future : done) {
				future.get(20, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
			assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
		return failures;
	}

	/** A GET that must answer 200 with exactly {@code expected}. */
	private static void expectBody(Transport transport, URI uri, String expected) throws IOException {
		try (Response response = transport.roundTrip(get(uri))) {
			String body = text(response);
			if (response.status() != 200 || !body.equals(expected)) {
				throw new AssertionError(uri + ": " + response + " " + body);
			}
		}
	}

	/**
	 * A dial that lost its race to a returned connection may still be finishing (late
	 * binding).
	 */
	private static void awaitLateDials(Transport transport) {
		Await.until(() -> transport.stats().dialing() == 0, WAIT, () -> "late dials finished: " + transport.stats());
	}

	private static Request get(URI uri) {
		return Request.builder("GET", uri).timeout(EXCHANGE).build();
	}

	private static Request post(URI uri, Request.Body body) {
		return Request.builder("POST", uri).body(body).timeout(EXCHANGE).build();
	}

	private static String text(Response response) throws IOException {
		return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
	}

	/** Whether each acquisition, in order, reused a pooled connection. */
	private static List<Boolean> acquisitions(RecordingListener listener) {
		return listener.events(Kind.ACQUIRED).stream().map(Event::reused).collect(Collectors.toList());
	}

	/** The client port of the one connection the transport has dialed so far. */
	private static int onlyDialedPort(RecordingListener listener) {
		Set<Integer> ports = dialedPorts(listener);
		assertThat(ports).as("connections dialed").hasSize(1);
		return ports.iterator().next();
	}

	/** The client ports of the connections the transport dialed. */
	private static Set<Integer> dialedPorts(RecordingListener listener) {
		return listener.events(Kind.DIAL_SUCCEEDED)
			.stream()
			.map(Event::localPort)
			.collect(Collectors.toCollection(TreeSet::new));
	}

}
