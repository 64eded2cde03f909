package dev.roundtrip.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.FakeNanoClock;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RecordingListener;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code honor-keep-alive-header} (issue #5, behaviour 2; DESIGN 2.1; Go #15508): a
 * response's {@code Keep-Alive: timeout=N} closes its connection once idle longer than N
 * seconds (or {@code idle-conn-timeout}, whichever is shorter), and {@code max=M} stops
 * its reuse after M requests in total. Malformed values are ignored. Off, the header is
 * ignored as Go does. Time is the transport's clock, advanced by the test.
 */
class KeepAliveHeaderTests {

	private static final Duration WAIT = Await.PROMPTLY;

	@Test
	void aConnectionIdleLongerThanTheKeepAliveTimeoutIsClosedWhenStatsAreTaken() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = keepAliveServer("timeout=5");
				Transport transport = Transport.builder()
					.keepAliveMargin(Duration.ZERO)
					.nanoClock(clock)
					.listener(listener)
					.build()) {
			Fetch.text(transport, server.uri("/1"));
			clock.advance(Duration.ofSeconds(4));
			assertThat(transport.stats().idle()).isEqualTo(1);
			Fetch.text(transport, server.uri("/2"));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1);
			clock.advance(Duration.ofMillis(4999));
			assertThat(transport.stats().idle()).as("idle just under 5 s").isEqualTo(1);
			clock.advance(Duration.ofMillis(1));
			assertThat(transport.stats().idle()).as("idle 5 s").isZero();
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.IDLE_TIMEOUT);
			server.awaitClientClosed(1, WAIT);
		}
	}

	// The server closes at its timeout: by default a connection is not reused in the last
	// second before it.
	@Test
	void theKeepAliveMarginStopsReuseThatLongBeforeTheServersTimeout() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = keepAliveServer("timeout=5");
				Transport transport = Transport.builder().nanoClock(clock).listener(listener).build()) {
			Fetch.text(transport, server.uri("/1"));
			clock.advance(Duration.ofMillis(3999));
			Fetch.text(transport, server.uri("/2"));
			assertThat(server.connectionIdsOfRequests()).as("reused 1 ms before timeout - margin")
				.containsExactly(1, 1);
			clock.advance(Duration.ofSeconds(4));
			Fetch.text(transport, server.uri("/3"));
			assertThat(server.connectionIdsOfRequests()).as("not at timeout - margin").containsExactly(1, 1, 2);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.IDLE_TIMEOUT);
		}
	}

	@Test
	void aKeepAliveTimeoutNoLongerThanTheMarginMeansNoReuseAfterIdling() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = keepAliveServer("timeout=1");
				Transport transport = Transport.builder().listener(listener).build()) {
			Fetch.text(transport, server.uri("/1"));
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.IDLE_TIMEOUT);
			assertThat(transport.stats().idle()).isZero();
			Fetch.text(transport, server.uri("/2"));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2);
		}
	}

	@Test
	void aConnectionIdleLongerThanTheKeepAliveTimeoutIsDroppedWhenARequestLooksForOne() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = keepAliveServer("timeout=5");
				Transport transport = Transport.builder().nanoClock(clock).listener(listener).build()) {
			Fetch.text(transport, server.uri("/1"));
			clock.advance(Duration.ofSeconds(6));
			Fetch.text(transport, server.uri("/2"));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2);
			assertThat(listener.awaitCloseOf(server.connection(1).clientPort(), WAIT))
				.isEqualTo(CloseReason.IDLE_TIMEOUT);
			server.awaitClientClosed(1, WAIT);
		}
	}

	// The dropped connection's replacement must be pooled like any other and reused by
	// the next request.
	@Test
	void theConnectionDialedAfterAnExpiredOneWasDroppedIsReusedAndShownInStats() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = keepAliveServer("timeout=5");
				Transport transport = Transport.builder().nanoClock(clock).build()) {
			Fetch.text(transport, server.uri("/1"));
			clock.advance(Duration.ofSeconds(6));
			Fetch.text(transport, server.uri("/2"));
			assertThat(transport.stats().idle()).as("the replacement, idle: " + transport.stats()).isEqualTo(1);
			Fetch.text(transport, server.uri("/3"));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2, 2);
		}
	}

	@Test
	void theShorterOfTheKeepAliveTimeoutAndIdleConnTimeoutApplies() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = keepAliveServer("timeout=5");
				Transport shorterSetting = Transport.builder()
					.idleConnTimeout(Duration.ofSeconds(3))
					.keepAliveMargin(Duration.ZERO)
					.nanoClock(clock)
					.build();
				Transport longerSetting = Transport.builder()
					.idleConnTimeout(Duration.ofSeconds(10))
					.keepAliveMargin(Duration.ZERO)
					.nanoClock(clock)
					.build()) {
			Fetch.text(shorterSetting, server.uri("/a"));
			Fetch.text(longerSetting, server.uri("/b"));
			clock.advance(Duration.ofSeconds(4));
			assertThat(shorterSetting.stats().idle()).as("idle-conn-timeout 3s < timeout=5").isZero();
			assertThat(longerSetting.stats().idle()).as("timeout=5 < idle-conn-timeout 10s").isEqualTo(1);
			clock.advance(Duration.ofSeconds(2));
			assertThat(longerSetting.stats().idle()).as("timeout=5 < idle-conn-timeout 10s").isZero();
		}
	}

	@Test
	void keepAliveMaxStopsReuseAfterThatManyRequestsInTotal() throws Exception {
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = keepAliveServer("timeout=5, max=3");
				Transport transport = Transport.builder().listener(listener).build()) {
			for (int i = 1; i <= 7; i++) {
				Fetch.text(transport, server.uri("/" + i));
			}
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 1, 2, 2, 2, 3);
			for (int id = 1; id <= 2; id++) {
				assertThat(listener.awaitCloseOf(server.connection(id).clientPort(), WAIT))
					.isEqualTo(CloseReason.KEEP_ALIVE_MAX);
				server.awaitClientClosed(id, WAIT);
			}
			assertThat(server.connection(3).isOpen()).isTrue();
		}
	}

	@Test
	void keepAliveMaxCountsResponsesWithoutABodyToo() throws Exception {
		// HEAD: the head announces a length, and no body follows.
		try (ScriptedServer server = ScriptedServer
			.start((ex) -> ex.write(ServerExchange.head(200, 13, "Keep-Alive: max=2") + "\r\n"));
				Transport transport = Transport.builder().build()) {
			for (int i = 1; i <= 5; i++) {
				try (Response response = transport.roundTrip(Request.builder("HEAD", server.uri("/" + i)).build())) {
					assertThat(response.status()).isEqualTo(200);
				}
			}
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 2, 2, 3);
		}
	}

	@Test
	void parameterNamesIgnoreCaseAndValuesMayBeQuoted() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = keepAliveServer("MAX=\"2\"; Timeout = 5");
				Transport transport = Transport.builder().nanoClock(clock).build()) {
			Fetch.text(transport, server.uri("/1"));
			Fetch.text(transport, server.uri("/2"));
			Fetch.text(transport, server.uri("/3"));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 2);
			clock.advance(Duration.ofSeconds(6));
			assertThat(transport.stats().idle()).isZero();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "timeout=abc", "timeout=-1", "timeout=", "timeout", "max=", "max=1.5", "max=-3",
			"timeout=5x", "max=2 3", "timeout=\"5", "=5", ",,;;", "timeout=99999999999999999999999999",
			"max=99999999999999999999999999", "timeout=0x5", "max=\u00b2" })
	void malformedValuesAreIgnoredNeverAnError(String value) throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		RecordingListener listener = new RecordingListener();
		try (ScriptedServer server = keepAliveServer(value);
				Transport transport = Transport.builder().nanoClock(clock).listener(listener).build()) {
			for (int i = 1; i <= 5; i++) {
				assertThat(Fetch.text(transport, server.uri("/" + i))).isEqualTo("ok");
				// Longer than any small number misread as a timeout, shorter than
				// idle-conn-timeout.
				clock.advance(Duration.ofSeconds(30));
			}
			assertThat(server.connectionIdsOfRequests()).containsOnly(1);
			assertThat(listener.events(RecordingListener.Kind.CLOSED)).isEmpty();
		}
	}

	@Test
	void withHonorKeepAliveHeaderOffTheHeaderIsIgnoredAsGoDoes() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = keepAliveServer("timeout=1, max=1");
				Transport transport = Transport.builder().honorKeepAliveHeader(false).nanoClock(clock).build()) {
			for (int i = 1; i <= 5; i++) {
				Fetch.text(transport, server.uri("/" + i));
				clock.advance(Duration.ofSeconds(60));
			}
			assertThat(server.connectionIdsOfRequests()).containsOnly(1).hasSize(5);
		}
	}

	@Test
	void aKeepAliveTimeoutOfZeroMeansTheConnectionIsNotKeptIdle() throws Exception {
		try (ScriptedServer server = keepAliveServer("timeout=0"); Transport transport = Transport.builder().build()) {
			Fetch.text(transport, server.uri("/1"));
			Fetch.text(transport, server.uri("/2"));
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 2);
			server.awaitClientClosed(1, WAIT);
		}
	}

	// timeout=9999999999 is some 317 years: well formed, and as good as no timeout at
	// all.
	@Test
	void aHugeKeepAliveTimeoutWithNoIdleConnTimeoutKeepsTheConnection() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = keepAliveServer("timeout=9999999999");
				Transport transport = Transport.builder().idleConnTimeout(Duration.ZERO).nanoClock(clock).build()) {
			for (int i = 1; i <= 3; i++) {
				Fetch.text(transport, server.uri("/" + i));
				clock.advance(Duration.ofHours(1));
			}
			assertThat(server.connectionIdsOfRequests()).containsExactly(1, 1, 1);
		}
	}

	@Test
	void theKeepAliveHeaderOfOneConnectionDoesNotAffectAnother() throws Exception {
		FakeNanoClock clock = new FakeNanoClock();
		try (ScriptedServer server = ScriptedServer.start((ex) -> {
			if (ex.connectionId() == 1) {
				ex.respond(200, "ok", "Keep-Alive: timeout=2");
			}
			else {
				ex.respond(200, "ok");
			}
		}); Transport transport = Transport.builder().nanoClock(clock).build()) {
			// Two connections at once: hold the first response open while the second is
			// sent.
			Response first = transport.roundTrip(Request.get(server.uri("/a")));
			Fetch.text(transport, server.uri("/b"));
			Fetch.readToEof(first);
			clock.advance(Duration.ofSeconds(3));
			assertThat(transport.stats().idle()).isEqualTo(1);
			Fetch.text(transport, server.uri("/c"));
			assertThat(server.request("/c").connectionId()).isEqualTo(2);
		}
	}

	private static ScriptedServer keepAliveServer(String keepAlive) {
		return ScriptedServer.start((ex) -> ex.respond(200, "ok", "Keep-Alive: " + keepAlive));
	}

}
