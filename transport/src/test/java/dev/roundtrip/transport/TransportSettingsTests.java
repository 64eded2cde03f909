package dev.roundtrip.transport;

import java.net.URI;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What {@link TransportSettings} refuses, and that each refusal names its setting the way
 * the property is named, so that a bad {@code application.yml} value reads as what to
 * fix.
 */
class TransportSettingsTests {

	static Stream<Arguments> invalid() {
		return Stream.of(arguments("max-idle-conns", op((b) -> b.maxIdleConns(-1))),
				arguments("max-conns-per-host", op((b) -> b.maxConnsPerHost(-1))),
				arguments("idle-conn-timeout", op((b) -> b.idleConnTimeout(Duration.ofSeconds(-1)))),
				arguments("max-response-header-bytes", op((b) -> b.maxResponseHeaderBytes(10))),
				arguments("write-buffer-size", op((b) -> b.writeBufferSize(100))),
				arguments("write-buffer-size", op((b) -> b.writeBufferSize(32 * 1024 * 1024))),
				arguments("read-buffer-size", op((b) -> b.readBufferSize(100))),
				arguments("read-buffer-size", op((b) -> b.readBufferSize(32 * 1024 * 1024))),
				arguments("drain-on-close.max-bytes", op((b) -> b.drainOnCloseMaxBytes(-1))),
				arguments("pool-wait-timeout", op((b) -> b.poolWaitTimeout(Duration.ofMillis(-1)))),
				arguments("max-pending-per-host", op((b) -> b.maxPendingPerHost(-1))),
				arguments("max-requests-per-conn", op((b) -> b.maxRequestsPerConn(-1))),
				arguments("max-conn-lifetime-jitter", op((b) -> b.maxConnLifetimeJitter(Duration.ofSeconds(-1)))),
				arguments("max-conn-lifetime-jitter (PT2M) must not exceed max-conn-lifetime (PT1M)", op(
						(b) -> b.maxConnLifetime(Duration.ofMinutes(1)).maxConnLifetimeJitter(Duration.ofMinutes(2)))),
				arguments("keep-alive-margin", op((b) -> b.keepAliveMargin(Duration.ofSeconds(-1)))),
				arguments("leak-detection", op((b) -> b.leakDetection(null))),
				arguments("proxy.url", op((b) -> b.proxy(URI.create("ftp://proxy.test")))),
				arguments("hosts.a.test: the key must be host:port", op((b) -> b.host("a.test", HostSettings.INHERIT))),
				arguments("another key names the same host:port in another case",
						op((b) -> b.host("a.test:80", HostSettings.INHERIT).host("A.test:80", HostSettings.INHERIT))),
				arguments("hosts.[a.test:80].max-conn-lifetime-jitter (PT20S) must not exceed",
						op((b) -> b.maxConnLifetime(Duration.ofSeconds(10))
							.host("a.test:80",
									HostSettings.INHERIT.withMaxConnLifetimeJitter(Duration.ofSeconds(20))))),
				arguments("hosts.[a.test:80].min-idle-conns (2) needs keep-alives", op(
						(b) -> b.disableKeepAlives(true).host("a.test:80", HostSettings.INHERIT.withMinIdleConns(2)))),
				arguments("hosts.[a.test:80].min-idle-conns (2) needs keep-alives",
						op((b) -> b.host("a.test:80",
								HostSettings.INHERIT.withMinIdleConns(2).withMaxIdleConnsPerHost(-1)))),
				arguments("hosts.[a.test:80].min-idle-conns (3) must not exceed max-conns-per-host (2)",
						op((b) -> b.maxConnsPerHost(2).host("a.test:80", HostSettings.INHERIT.withMinIdleConns(3)))),
				arguments("hosts.[a.test:80].min-idle-conns (3) must not exceed max-idle-conns-per-host (2)", op(
						(b) -> b.maxIdleConnsPerHost(2).host("a.test:80", HostSettings.INHERIT.withMinIdleConns(3)))),
				arguments("hosts.*.min-idle-conns add up to 6, more than max-idle-conns (5)",
						op((b) -> b.maxIdleConns(5)
							.host("a.test:80", HostSettings.INHERIT.withMinIdleConns(3))
							.host("b.test:80", HostSettings.INHERIT.withMinIdleConns(3)))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalid")
	void invalidSettingsAreRefusedNamingTheSetting(String named, UnaryOperator<Transport.Builder> configuration) {
		assertThatIllegalArgumentException().isThrownBy(() -> {
			try (Transport transport = configuration.apply(Transport.builder()).build()) {
				// never reached
			}
		}).withMessageContaining(named);
	}

	static Stream<Arguments> invalidHosts() {
		return Stream.of(arguments("max-conns-per-host", op2(() -> HostSettings.INHERIT.withMaxConnsPerHost(-1))),
				arguments("pool-wait-timeout",
						op2(() -> HostSettings.INHERIT.withPoolWaitTimeout(Duration.ofSeconds(-1)))),
				arguments("max-pending-per-host", op2(() -> HostSettings.INHERIT.withMaxPendingPerHost(-2))),
				arguments("max-requests-per-conn", op2(() -> HostSettings.INHERIT.withMaxRequestsPerConn(-3))),
				arguments("min-idle-conns", op2(() -> HostSettings.INHERIT.withMinIdleConns(-1))),
				arguments("min-idle-conns (3) must not exceed max-conns-per-host (2)",
						op2(() -> HostSettings.INHERIT.withMaxConnsPerHost(2).withMinIdleConns(3))),
				arguments("max-conn-lifetime-jitter (PT2S) must not exceed max-conn-lifetime (PT1S)",
						op2(() -> HostSettings.INHERIT.withMaxConnLifetime(Duration.ofSeconds(1))
							.withMaxConnLifetimeJitter(Duration.ofSeconds(2)))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidHosts")
	void invalidHostSettingsAreRefusedNamingTheSetting(String named, Runnable construction) {
		assertThatIllegalArgumentException().isThrownBy(construction::run).withMessageContaining(named);
	}

	@Test
	void everyNewSettingSurvivesACopyThroughTheBuilder() {
		try (Transport original = Transport.builder()
			.poolWaitTimeout(Duration.ofMillis(250))
			.maxPendingPerHost(8)
			.maxConnLifetime(Duration.ofMinutes(10))
			.maxConnLifetimeJitter(Duration.ofMinutes(1))
			.maxRequestsPerConn(100)
			.idleOrder(IdleOrder.FIFO)
			.keepAliveMargin(Duration.ofMillis(500))
			.host("a.test:8080", HostSettings.INHERIT.withIdleOrder(IdleOrder.LIFO).withMinIdleConns(1))
			.build(); Transport copy = Transport.builder().settings(original.settings()).build()) {
			assertThat(copy.settings()).isEqualTo(original.settings());
			assertThat(copy.settings().poolWaitTimeout()).isEqualTo(Duration.ofMillis(250));
			assertThat(copy.settings().host("a.test:8080").idleOrder()).isEqualTo(IdleOrder.LIFO);
			assertThat(copy.settings().nonProxyHosts()).isNull();
		}
	}

	@Test
	void aBlankNonProxyHostsListMeansNone() {
		try (Transport transport = Transport.builder().nonProxyHosts("  ").build()) {
			assertThat(transport.settings().nonProxyHosts()).isNull();
		}
	}

	private static UnaryOperator<Transport.Builder> op(UnaryOperator<Transport.Builder> configuration) {
		return configuration;
	}

	private static Runnable op2(Runnable construction) {
		return construction;
	}

}
