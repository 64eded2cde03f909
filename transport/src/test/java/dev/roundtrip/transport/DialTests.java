package dev.roundtrip.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Dialing a host with several addresses, as Go does: each address gets its share of
 * {@code dial-timeout} (at least 2 s where the timeout allows), and the other address
 * family is raced after {@code dial-fallback-delay} (Happy Eyeballs, RFC 8305). Runs in a
 * JVM of its own whose resolver is the hosts file {@code dial-hosts}
 * ({@code -Djdk.net.hosts.file}), which gives a name a loopback address that drops SYNs
 * (a listener whose accept queue is full, on Linux) before one that answers.
 */
class DialTests {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void runsWithTheTestHostsFile() {
		assumeTrue(System.getProperty("jdk.net.hosts.file", "").endsWith("dial-hosts"),
				"needs -Djdk.net.hosts.file=.../dial-hosts (the transport build's dial-tests execution sets it)");
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	// Go: dialSerial with partialDeadline. The first address once took the whole
	// dial-timeout, and the second was never tried.
	@Test
	void anAddressThatDropsSynsGetsOnlyItsShareOfTheDialTimeout() throws Exception {
		ScriptedServer healthy = ScriptedServer.start((ex) -> ex.respond(200, "from 127.0.0.1"));
		this.closeables.add(healthy);
		blackhole("127.0.0.2", healthy.port());
		try (Transport transport = Transport.builder().dialTimeout(Duration.ofSeconds(5)).build()) {
			URI uri = URI.create("http://two-v4.roundtrip.test:" + healthy.port() + "/");
			assertThat(Fetch.text(transport, uri)).isEqualTo("from 127.0.0.1");
		}
	}

	@Test
	void whenEveryAddressFailsTheFirstFailureIsReportedWithTheOthersSuppressed() throws Exception {
		ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
		int port = free.getLocalPort();
		free.close();
		// Nothing listens on either address: both refuse.
		try (Transport transport = Transport.builder().build()) {
			URI uri = URI.create("http://two-v4.roundtrip.test:" + port + "/");
			Throwable failure = Background.start("dial", () -> Fetch.text(transport, uri))
				.failure(Duration.ofSeconds(10));
			assertThat(failure).isInstanceOf(java.net.ConnectException.class)
				.hasMessageContaining("127.0.0.2:" + port)
				.hasMessageContaining("two-v4.roundtrip.test");
			assertThat(failure.getSuppressed()).hasSize(1);
			assertThat(failure.getSuppressed()[0]).hasMessageContaining("127.0.0.1:" + port);
		}
	}

	// Go: dialParallel, FallbackDelay 300 ms. With a 60 s dial-timeout a serial dial
	// would give ::1 30 s; the race connects to 127.0.0.1 once the delay has passed.
	@Test
	void theOtherAddressFamilyIsRacedAfterTheFallbackDelay() throws Exception {
		assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
		ScriptedServer healthy = ScriptedServer.start((ex) -> ex.respond(200, "from 127.0.0.1"));
		this.closeables.add(healthy);
		blackhole("::1", healthy.port());
		try (Transport transport = Transport.builder().dialTimeout(Duration.ofSeconds(60)).build()) {
			URI uri = URI.create("http://v6-then-v4.roundtrip.test:" + healthy.port() + "/");
			assertThat(Background.start("dial", () -> Fetch.text(transport, uri)).get(Duration.ofSeconds(15)))
				.isEqualTo("from 127.0.0.1");
		}
	}

	@Test
	void aNegativeFallbackDelayTriesTheFamiliesOneAfterAnother() throws Exception {
		assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
		ScriptedServer healthy = ScriptedServer.start((ex) -> ex.respond(200, "from 127.0.0.1"));
		this.closeables.add(healthy);
		blackhole("::1", healthy.port());
		// 4 s over two addresses: ::1 gets 2 s, then 127.0.0.1 the rest.
		try (Transport transport = Transport.builder()
			.dialTimeout(Duration.ofSeconds(4))
			.dialFallbackDelay(Duration.ofMillis(-1))
			.build()) {
			URI uri = URI.create("http://v6-then-v4.roundtrip.test:" + healthy.port() + "/");
			assertThat(Fetch.text(transport, uri)).isEqualTo("from 127.0.0.1");
		}
	}

	/**
	 * A listener on {@code address:port} that never accepts, its accept queue full: Linux
	 * then drops the SYNs of new connections, as a firewalled or dead host would.
	 */
	private void blackhole(String address, int port) throws IOException {
		ServerSocket listener = new ServerSocket(port, 1, InetAddress.getByName(address));
		this.closeables.add(listener);
		for (int i = 0; i < 64; i++) {
			Socket filler = new Socket();
			this.closeables.add(filler);
			try {
				filler.connect(new InetSocketAddress(InetAddress.getByName(address), port), 250);
			}
			catch (SocketTimeoutException full) {
				return;
			}
		}
		assumeTrue(false, "this kernel completes loopback handshakes beyond the backlog");
	}

	private static boolean ipv6LoopbackWorks() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
