package dev.roundtrip.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Servers that misbehave at the TCP or TLS level. For each: the call fails with the
 * exception that names what happened (and, for a limit on time, the
 * {@link TransportTimeoutException#limit()} that fired), it ends within its limit plus
 * {@link #LIVENESS_MARGIN} (a bound on a hang, not a measure), the per-host slot is freed
 * ({@code max-conns-per-host=1}, then the next request to the same server, now healthy,
 * gets a connection), and a request to another healthy server works.
 *
 * <p>
 * Every odd server misbehaves on its first connection only and answers normally on the
 * next ones, so the same destination can be asked again.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OddServerTests {

	private static final Duration LIMIT = Duration.ofMillis(300);

	/**
	 * Long enough for a healthy handshake on a busy machine (the next request after a
	 * trickling server needs one), far shorter than the trickle.
	 */
	private static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(2);

	/** Generous: only a call that hangs reaches it. */
	private static final Duration LIVENESS_MARGIN = Duration.ofSeconds(3);

	/** How long a misbehaving handler keeps going at most, if the client never leaves. */
	private static final Duration SERVER_BOUND = Duration.ofSeconds(20);

	private static final SSLContext CLIENT_TLS = TestCertificates.clientContextTrusting(TestCertificates.loopback(),
			TestCertificates.otherHost());

	// Go: TestTransportResponseHeaderTimeout; TestClientTimeout
	@ParameterizedTest
	@EnumSource(value = Limit.class, names = { "RESPONSE_HEADER", "READ", "CALL" })
	void serverThatAcceptsAndNeverAnswersFailsWithTheLimitThatFired(Limit limit) throws Exception {
		try (RawServer server = oddFirstConnection((conn) -> conn.readUntilEof(SERVER_BOUND));
				Transport transport = transport(limit)) {
			Throwable failure = failWithin(transport, request(server.uri("http", "/"), limit), LIMIT);

			assertTimeout(failure, limit);
			assertSlotFreedAndHealthy(transport, server.uri("http", "/again"));
		}
	}

	/**
	 * One byte of header every 20 ms: each read is quick, so only a limit on the whole
	 * wait for the headers, or on the call, can end it.
	 */
	@ParameterizedTest
	@EnumSource(value = Limit.class, names = { "RESPONSE_HEADER", "CALL" })
	void serverThatTricklesHeaderBytesIsCutOffByTheLimitOnTheWholeWait(Limit limit) throws Exception {
		try (RawServer server = oddFirstConnection((conn) -> {
			conn.readHead();
			conn.write("HTTP/1.1 200 OK\r\nX-Trickle: ");
			trickle(conn.out());
		}); Transport transport = transport(limit)) {
			Throwable failure = failWithin(transport, request(server.uri("http", "/"), limit), LIMIT);

			assertTimeout(failure, limit);
			assertSlotFreedAndHealthy(transport, server.uri("http", "/again"));
		}
	}

	/**
	 * Every connection answers its first request, then resets when the next one comes:
	 * the stale keep-alive race. A GET is retried on a new connection; a POST is not, and
	 * fails; the server never sees it twice.
	 */
	// Go: TestRetryRequestsOnError, TestTransportNoReuseAfterEarlyResponse
	@Test
	void serverThatAnswersThenResetsCostsAGetNothingAndAPostItsOnlyAttempt() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.requestIndex() == 1) {
				ex.respond(200, ex.method() + " " + ex.target() + " on " + ex.connectionId());
			}
			else {
				ex.reset();
			}
		}); Transport transport = Transport.builder().maxConnsPerHost(1).build()) {
			assertThat(Fetch.text(transport, server.uri("/1"))).isEqualTo("GET /1 on 1");
			assertThat(Fetch.text(transport, server.uri("/2"))).as("retried on a new connection")
				.isEqualTo("GET /2 on 2");

			Request post = Request.builder("POST", server.uri("/3")).body(Request.Body.of("once")).build();
			Throwable failure = catchThrowable(() -> Fetch.text(transport, post));

			assertThat(failure).isInstanceOf(IOException.class);
			assertThat(failure.getMessage()).isNotBlank();
			assertThat(server.requests()).filteredOn((r) -> r.target().equals("/3"))
				.as("the POST arrived once")
				.hasSize(1);
			assertSlotFreedAndHealthy(transport, server.uri("/4"), "GET /4 on 3");
		}
	}

	// Go: TestTransportDialTLS's error path; a refused dial
	@Test
	void refusedConnectionFailsAtOnceAndTwiceInARow() throws Exception {
		int port;
		try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = closed.getLocalPort();
		}
		URI uri = URI.create("http://127.0.0.1:" + port + "/");
		try (Transport transport = Transport.builder().maxConnsPerHost(1).dialTimeout(LIMIT).build()) {
			for (int attempt = 1; attempt <= 2; attempt++) {
				Throwable failure = failWithin(transport, Request.get(uri), LIMIT);
				assertThat(failure).as("attempt %d", attempt)
					.isInstanceOf(ConnectException.class)
					.hasMessageContaining("127.0.0.1:" + port);
			}
			assertPoolEmpty(transport);
			try (ScriptedServer healthy = healthy()) {
				assertThat(Fetch.text(transport, healthy.uri("/"))).isEqualTo("healthy");
			}
		}
	}

	// Go: Dialer.Timeout
	@Test
	void fullListenBacklogFailsWithTheDialTimeoutAndTheServerIsUsableOnceItAccepts() throws Exception {
		try (ScriptedServer server = ScriptedServer.builder().backlog(1).start((ex) -> ex.respond(200, "healthy"));
				Transport transport = Transport.builder().maxConnsPerHost(1).dialTimeout(LIMIT).build()) {
			server.pauseAccepting();
			try {
				server.fillAcceptQueue();
			}
			catch (IllegalStateException ex) {
				assumeTrue(false, "this kernel completes loopback handshakes beyond the backlog: " + ex.getMessage());
			}
			Throwable failure = failWithin(transport, Request.get(server.uri("/")), LIMIT);

			assertTimeout(failure, Limit.DIAL);
			assertThat(failure).hasMessageContaining("127.0.0.1:" + server.port());
			server.resumeAccepting();
			// The queue drains as the server accepts again; a SYN dropped meanwhile is
			// sent again a second later, so this dial gets more than the dial timeout.
			assertPoolEmpty(transport);
			Request again = Request.builder("GET", server.uri("/again")).connectTimeout(Duration.ofSeconds(10)).build();
			assertThat(Fetch.text(transport, again)).as("the same destination, through its only slot")
				.isEqualTo("healthy");
		}
	}

	/** The server reads the ClientHello and closes. */
	@Test
	void serverThatClosesDuringTheTlsHandshakeFailsNamingTheHost() throws Exception {
		try (RawServer server = oddFirstTlsConnection((conn) -> {
			readTlsRecord(conn.in());
			conn.close();
		}, TestCertificates.loopback()); Transport transport = tlsTransport(Duration.ofSeconds(10))) {
			Throwable failure = failWithin(transport, Request.get(server.uri("https", "/")), Duration.ofSeconds(10));

			assertThat(failure).isInstanceOf(SSLException.class)
				.hasMessageContaining("TLS handshake with https://127.0.0.1:" + server.port() + " failed");
			assertSlotFreedAndHealthy(transport, server.uri("https", "/again"));
		}
	}

	// Go: crypto/tls VerifyHostname through the transport
	@Test
	void certificateForAnotherNameFailsNamingTheHostAndWhatDidNotMatch() throws Exception {
		try (RawServer server = oddFirstTlsConnection(
				(conn) -> serveTls(conn, TestCertificates.serverContext(TestCertificates.otherHost())),
				TestCertificates.loopback()); Transport transport = tlsTransport(Duration.ofSeconds(10))) {
			Throwable failure = failWithin(transport, Request.get(server.uri("https", "/")), Duration.ofSeconds(10));

			assertThat(failure).isInstanceOf(SSLException.class)
				.hasMessageContaining("TLS handshake with https://127.0.0.1:" + server.port() + " failed")
				.hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
			assertSlotFreedAndHealthy(transport, server.uri("https", "/again"));
		}
	}

	/**
	 * After the ClientHello, a handshake record announced at 16 KiB arrives one byte
	 * every 20 ms: each read is quick, only a limit on the whole handshake ends it.
	 */
	// Go: TestTransportTLSHandshakeTimeout (a total limit: the handshake runs under a
	// context with that timeout)
	@Test
	void serverThatTricklesTlsHandshakeBytesIsCutOffByTheHandshakeTimeout() throws Exception {
		try (RawServer server = oddFirstTlsConnection((conn) -> {
			readTlsRecord(conn.in());
			conn.write(new byte[] { 0x16, 0x03, 0x03, 0x40, 0x00 });
			trickle(conn.out());
		}, TestCertificates.loopback()); Transport transport = tlsTransport(HANDSHAKE_LIMIT)) {
			Throwable failure = failWithin(transport, Request.get(server.uri("https", "/")), HANDSHAKE_LIMIT);

			assertTimeout(failure, Limit.TLS_HANDSHAKE);
			assertThat(failure).hasMessageContaining("https://127.0.0.1:" + server.port());
			assertSlotFreedAndHealthy(transport, server.uri("https", "/again"));
		}
	}

	/**
	 * The same trickle, with a request timeout: whatever the dial is doing, the call ends
	 * at its deadline.
	 */
	@Test
	void serverThatTricklesTlsHandshakeBytesCannotHoldACallPastItsDeadline() throws Exception {
		try (RawServer server = oddFirstTlsConnection((conn) -> {
			readTlsRecord(conn.in());
			conn.write(new byte[] { 0x16, 0x03, 0x03, 0x40, 0x00 });
			trickle(conn.out());
		}, TestCertificates.loopback()); Transport transport = tlsTransport(HANDSHAKE_LIMIT)) {
			Request request = Request.builder("GET", server.uri("https", "/")).timeout(LIMIT).build();
			Throwable failure = failWithin(transport, request, LIMIT);

			assertThat(failure).isInstanceOf(TransportTimeoutException.class);
			assertThat(((TransportTimeoutException) failure).limit()).isIn(Limit.CALL, Limit.TLS_HANDSHAKE);
			try (ScriptedServer healthy = healthy()) {
				assertThat(Fetch.text(transport, healthy.uri("/"))).isEqualTo("healthy");
			}
		}
	}

	// --- the servers

	/** Connection 1 runs {@code odd}; later connections answer every request. */
	private static RawServer oddFirstConnection(RawServer.Handler odd) {
		return RawServer.start((conn) -> {
			if (conn.id() == 1) {
				odd.handle(conn);
				return;
			}
			while (conn.readHead() != null) {
				conn.respond(200, "healthy");
			}
		});
	}

	/**
	 * Plain TCP underneath, so connection 1 can misbehave byte by byte; later connections
	 * speak TLS with {@code certificate} and answer every request.
	 */
	private static RawServer oddFirstTlsConnection(RawServer.Handler odd, java.security.KeyStore certificate) {
		SSLContext context = TestCertificates.serverContext(certificate);
		return RawServer.start((conn) -> {
			if (conn.id() == 1) {
				odd.handle(conn);
				return;
			}
			serveTls(conn, context);
		});
	}

	/** TLS over the accepted socket, then "healthy" to every request. */
	private static void serveTls(RawServer.Conn conn, SSLContext context) throws IOException {
		SSLSocket tls = (SSLSocket) context.getSocketFactory()
			.createSocket(conn.socket(), null, conn.socket().getPort(), false);
		tls.setUseClientMode(false);
		tls.startHandshake();
		InputStream in = tls.getInputStream();
		OutputStream out = tls.getOutputStream();
		while (skipHead(in)) {
			out.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nhealthy".getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
	}

	/** Reads a head up to its empty line; false on EOF before it. */
	private static boolean skipHead(InputStream in) throws IOException {
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int b = in.read();
			if (b < 0) {
				return false;
			}
			matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return true;
	}

	/**
	 * Reads one TLS record (the ClientHello): a 5-byte header and the length it gives.
	 */
	private static byte[] readTlsRecord(InputStream in) throws IOException {
		byte[] header = in.readNBytes(5);
		if (header.length < 5) {
			throw new IOException("EOF before a TLS record");
		}
		int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
		ByteArrayOutputStream record = new ByteArrayOutputStream();
		record.write(header);
		record.write(in.readNBytes(length));
		return record.toByteArray();
	}

	/**
	 * One byte every 20 ms (the pace of the scenario) until the client goes away or the
	 * bound passes.
	 */
	private static void trickle(OutputStream out) throws IOException {
		long end = System.nanoTime() + SERVER_BOUND.toNanos();
		while (System.nanoTime() - end < 0) {
			out.write('a');
			out.flush();
			LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
		}
	}

	private static ScriptedServer healthy() {
		return ScriptedServer.start((ex) -> ex.respond(200, "healthy"));
	}

	// --- the client side

	private static Transport transport(Limit limit) {
		Transport.Builder builder = Transport.builder().maxConnsPerHost(1);
		switch (limit) {
			case RESPONSE_HEADER -> builder.responseHeaderTimeout(LIMIT);
			case READ -> builder.readTimeout(LIMIT);
			default -> {
				// the request's own timeout: see request(...)
			}
		}
		return builder.build();
	}

	private static Transport tlsTransport(Duration handshakeTimeout) {
		return Transport.builder()
			.maxConnsPerHost(1)
			.sslContext(CLIENT_TLS)
			.tlsHandshakeTimeout(handshakeTimeout)
			.build();
	}

	private static Request request(URI uri, Limit limit) {
		Request.Builder request = Request.builder("GET", uri);
		if (limit == Limit.CALL) {
			request.timeout(LIMIT);
		}
		return request.build();
	}

	/**
	 * Sends {@code request}, reads the body, and returns what the call threw; fails if it
	 * succeeded, or took longer than {@code limit} plus the liveness margin.
	 */
	private static Throwable failWithin(Transport transport, Request request, Duration limit) {
		long started = System.nanoTime();
		Throwable failure = catchThrowable(() -> Fetch.text(transport, request));
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		assertThat(failure).as("the call to an odd server fails").isNotNull();
		assertThat(took).as("ended (with %s) within its limit of %s plus %s", failure, limit, LIVENESS_MARGIN)
			.isLessThan(limit.plus(LIVENESS_MARGIN));
		assertThat(failure.getMessage()).as("says what happened").isNotBlank();
		return failure;
	}

	private static void assertTimeout(Throwable failure, Limit limit) {
		assertThat(failure).isInstanceOf(TransportTimeoutException.class)
			.message()
			.as("names the setting")
			.contains(limit.setting());
		assertThat(((TransportTimeoutException) failure).limit()).isEqualTo(limit);
	}

	/**
	 * Nothing of the odd exchange left in the pool, and the same destination (healthy on
	 * its next connection) answers through the single slot; another server does too.
	 */
	private static void assertSlotFreedAndHealthy(Transport transport, URI again) throws IOException {
		assertSlotFreedAndHealthy(transport, again, "healthy");
	}

	private static void assertSlotFreedAndHealthy(Transport transport, URI again, String answer) throws IOException {
		assertPoolEmpty(transport);
		assertThat(Fetch.text(transport, again)).as("the same destination, through its only slot").isEqualTo(answer);
		try (ScriptedServer healthy = healthy()) {
			assertThat(Fetch.text(transport, healthy.uri("/"))).isEqualTo("healthy");
		}
	}

	private static void assertPoolEmpty(Transport transport) {
		Await.until(() -> {
			PoolStats stats = transport.stats();
			return stats.active() == 0 && stats.dialing() == 0 && stats.waiting() == 0;
		}, Await.PROMPTLY, () -> "nothing active, dialing or waiting: " + transport.stats());
		assertThat(transport.stats().idle()).as("nothing idle: the odd connection was not pooled").isZero();
	}

}
