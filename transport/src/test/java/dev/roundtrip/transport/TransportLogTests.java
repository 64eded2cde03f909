package dev.roundtrip.transport;

import java.util.List;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.CapturedLog;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transport's own log ({@code dev.roundtrip.transport.pool} at DEBUG,
 * {@code dev.roundtrip.transport.exchange} at TRACE), captured where
 * {@link System.Logger} sends it by default: {@code java.util.logging}, whose FINE is
 * DEBUG and FINER is TRACE.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportLogTests {

	private CapturedLog log;

	@BeforeEach
	void captureTheTransportsLog() {
		this.log = CapturedLog.of("dev.roundtrip.transport");
	}

	@AfterEach
	void stopCapturing() {
		this.log.close();
	}

	@Test
	void atDebugEachConnectionIsLoggedAsItOpensIsReturnedIsReusedAndCloses() throws Exception {
		this.log.level(Level.FINE);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"))) {
			int clientPort;
			try (Transport transport = Transport.builder().build()) {
				Fetch.text(transport, server.uri("/1"));
				Fetch.text(transport, server.uri("/2"));
				clientPort = transport.stats().destinations().get(0).connections().get(0).localAddress().getPort();
			}
			String destination = "http://127.0.0.1:" + server.port();
			assertInOrder(messages("dev.roundtrip.transport.pool"),
					"Connection #1 to " + destination + " opened from local port " + clientPort + " to 127.0.0.1:"
							+ server.port() + " in ",
					"Connection #1 to " + destination + " returned to the pool after 1 request(s)",
					"Connection #1 to " + destination + " reused after ",
					"Connection #1 to " + destination + " returned to the pool after 2 request(s)",
					"Connection #1 to " + destination + " closed: shutdown (the transport was closed); lived ");
			assertThat(this.log.records()).allMatch((record) -> record.getLevel() == Level.FINE);
		}
	}

	@Test
	void whyANewConnectionIsOpenedEveryTimeIsInTheCloseLine() throws Exception {
		this.log.level(Level.FINE);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().disableKeepAlives(true).build()) {
			Fetch.text(transport, server.uri("/1"));
			Fetch.text(transport, server.uri("/2"));
			assertThat(messages("dev.roundtrip.transport.pool")).filteredOn((line) -> line.contains(" closed: "))
				.hasSize(2)
				.allMatch((line) -> line
					.contains("closed: keep_alives_disabled (keep-alives are disabled: one request per connection)"));
		}
	}

	@Test
	void aRequestWaitingForAConnectionIsLoggedWithHowLongItWaited() throws Exception {
		this.log.level(Level.FINE);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().maxConnsPerHost(1).build()) {
			Response held = transport.roundTrip(Request.get(server.uri("/held")));
			Background<String> second = Background.start("second", () -> Fetch.text(transport, server.uri("/second")));
			Await.until(() -> transport.stats().waiting() == 1, Await.PROMPTLY, "the second request to wait");
			held.close();
			assertThat(second.get(Await.PROMPTLY)).isEqualTo("hello");
			assertThat(messages("dev.roundtrip.transport.pool"))
				.anyMatch((line) -> line
					.equals("Request to http://127.0.0.1:" + server.port() + " found no idle connection; waiting"))
				.anyMatch((line) -> line.matches("Connection #1 to .* reused .*\\(waited \\d+\\.\\d (ms|s)\\)"));
		}
	}

	@Test
	void atTraceEachExchangeLogsItsRequestLineAndStatusButNoHeaderValue() throws Exception {
		this.log.level(Level.FINER);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(404, "nothing here"));
				Transport transport = Transport.builder().build()) {
			Request request = Request.builder("GET", server.uri("/missing?page=2"))
				.header("Authorization", "Bearer secret-token")
				.build();
			try (Response response = transport.roundTrip(request)) {
				Fetch.readToEof(response);
			}
			assertThat(messages("dev.roundtrip.transport.exchange"))
				.containsExactly("#1 http://127.0.0.1:" + server.port() + " GET /missing?page=2 HTTP/1.1 -> 404");
			assertThat(this.log.records()).noneMatch((record) -> record.getMessage().contains("secret-token"));
		}
	}

	@Test
	void aTlsConnectionLogsItsHandshakeTimeAndProtocol() throws Exception {
		this.log.level(Level.FINE);
		try (RawServer server = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> {
					conn.handshake();
					while (conn.readHead() != null) {
						conn.respond(200, "hello");
					}
				});
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			Fetch.text(transport, server.uri("https", "/"));
			assertThat(messages("dev.roundtrip.transport.pool"))
				.anyMatch((line) -> line.matches("Connection #1 to https://127.0.0.1:\\d+ opened from local port \\d+"
						+ " to 127.0.0.1:\\d+ in \\d+\\.\\d ms \\(TLS handshake \\d+\\.\\d ms, TLSv1\\.[23]\\)"));
		}
	}

	@Test
	void withTheLevelOffNothingIsLogged() throws Exception {
		this.log.level(Level.INFO);
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "hello"));
				Transport transport = Transport.builder().build()) {
			Fetch.text(transport, server.uri("/1"));
			Fetch.text(transport, server.uri("/2"));
		}
		assertThat(this.log.records()).isEmpty();
	}

	/** Each of {@code prefixes} starts a line of {@code lines}, in this order. */
	private static void assertInOrder(List<String> lines, String... prefixes) {
		int next = 0;
		for (String line : lines) {
			if (next < prefixes.length && line.startsWith(prefixes[next])) {
				next++;
			}
		}
		assertThat(next).as("lines starting with %s, in order, in %s", List.of(prefixes), lines)
			.isEqualTo(prefixes.length);
	}

	private List<String> messages(String logger) {
		return this.log.records()
			.stream()
			.filter((record) -> record.getLoggerName().equals(logger))
			.map(LogRecord::getMessage)
			.toList();
	}

}
