package dev.roundtrip.spring.metrics;

import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener.AcquireFailure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The binder driven by hand-made listener events: which meter each event lands in, with
 * which tags, and how the destination cap holds. The gauges, which read a real
 * transport's pool, are in {@link TransportMetricsGaugeTests}.
 */
class TransportMetricsTests {

	private static final Destination API = new Destination("http", "api.example.com", 8080, null, null);

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private TransportMetrics metrics;

	@BeforeEach
	void bind() {
		this.metrics = new TransportMetrics("roundtripTransport", () -> null, 3);
		this.metrics.bindTo(this.registry);
	}

	@Test
	void waitTimeIsRecordedByOutcome() {
		this.metrics.connectionAcquired(connection(1, API), false, 2_000_000);
		for (int i = 0; i < 19; i++) {
			this.metrics.connectionAcquired(connection(1, API), true, 1_000);
		}
		this.metrics.connectionAcquireFailed(API, AcquireFailure.TIMEOUT, 5_000_000);
		this.metrics.connectionAcquireFailed(API, AcquireFailure.CANCELED, 1_000_000);
		this.metrics.connectionAcquireFailed(API, AcquireFailure.ERROR, 1_000_000);
		this.metrics.connectionAcquireFailed(API, AcquireFailure.REJECTED, 0);
		this.metrics.connectionAcquireFailed(API, AcquireFailure.REJECTED, 0);
		assertThat(waitTime("new").count()).isEqualTo(1);
		assertThat(waitTime("new").totalTime(TimeUnit.NANOSECONDS)).isEqualTo(2_000_000);
		assertThat(waitTime("reused").count()).isEqualTo(19);
		assertThat(waitTime("timeout").count()).isEqualTo(1);
		assertThat(waitTime("canceled").count()).isEqualTo(1);
		assertThat(waitTime("error").count()).isEqualTo(1);
		assertThat(waitTime("rejected").count()).isEqualTo(2);
	}

	@Test
	void createTimeIsRecordedAsSuccessOrFailure() {
		this.metrics.dialStarted(API);
		this.metrics.dialSucceeded(connection(1, API), 3_000_000);
		this.metrics.dialStarted(API);
		this.metrics.dialFailed(API, new java.net.ConnectException("refused"), 1_000_000);
		assertThat(this.registry.get(TransportMetrics.CREATE_TIME).tag("outcome", "success").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.get(TransportMetrics.CREATE_TIME).tag("outcome", "failure").timer().count())
			.isEqualTo(1);
	}

	@Test
	void closedConnectionsAreCountedByReasonAndTheirLifetimeTimed() {
		this.metrics.connectionClosed(connection(1, API), CloseReason.IDLE_TIMEOUT, Duration.ofSeconds(90).toNanos());
		this.metrics.connectionClosed(connection(2, API), CloseReason.IDLE_TIMEOUT, Duration.ofSeconds(30).toNanos());
		this.metrics.connectionClosed(connection(3, API), CloseReason.LEAKED, Duration.ofSeconds(5).toNanos());
		assertThat(closed("idle_timeout")).isEqualTo(2);
		assertThat(closed("leaked")).isEqualTo(1);
		assertThat(this.registry.find(TransportMetrics.CLOSED).tag("reason", "error").counter())
			.as("reasons that never happened have no counter")
			.isNull();
		Timer duration = this.registry.get(TransportMetrics.DURATION).timer();
		assertThat(duration.count()).isEqualTo(3);
		assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(125);
	}

	@Test
	void everyReasonHasItsTagValue() {
		for (CloseReason reason : CloseReason.values()) {
			this.metrics.connectionClosed(connection(1, API), reason, 1);
		}
		Set<String> reasons = this.registry.find(TransportMetrics.CLOSED)
			.counters()
			.stream()
			.map((counter) -> counter.getId().getTag("reason"))
			.collect(Collectors.toSet());
		assertThat(reasons).contains("idle_timeout", "max_idle", "max_idle_per_host", "keep_alives_disabled",
				"server_closed", "response_close", "early_body_close", "canceled", "error", "lifetime", "leaked",
				"shutdown", "max_requests");
		assertThat(reasons).hasSize(CloseReason.values().length);
	}

	@Test
	void everyMeterCarriesTheTransportAndDestinationTags() {
		this.metrics.dialSucceeded(connection(1, API), 1);
		this.metrics.connectionAcquired(connection(1, API), false, 1);
		this.metrics.connectionClosed(connection(1, API), CloseReason.SHUTDOWN, 1);
		assertThat(this.registry.getMeters()).hasSizeGreaterThanOrEqualTo(7).allSatisfy((meter) -> {
			Meter.Id id = meter.getId();
			assertThat(id.getTag("transport")).isEqualTo("roundtripTransport");
			assertThat(id.getTag("server.address")).isEqualTo("api.example.com");
			assertThat(id.getTag("server.port")).isEqualTo("8080");
			assertThat(id.getTag("url.scheme")).isEqualTo("http");
		});
		assertThat(this.registry.find(TransportMetrics.OPEN_CONNECTIONS).gauges())
			.extracting((gauge) -> gauge.getId().getTag("http.connection.state"))
			.containsExactlyInAnyOrder("active", "idle");
		assertThat(this.registry.find(TransportMetrics.PENDING_REQUESTS).gauge()).isNotNull();
	}

	@Test
	void destinationsOverTheCapAreCountedAsOther() {
		for (int i = 1; i <= 10; i++) {
			Destination destination = new Destination("http", "host" + i + ".example", 80, null, null);
			this.metrics.waitingForConnection(destination);
			this.metrics.connectionAcquired(connection(i, destination), false, 1);
			this.metrics.connectionClosed(connection(i, destination), CloseReason.RESPONSE_CLOSE, 1);
		}
		Set<String> addresses = this.registry.getMeters()
			.stream()
			.map((meter) -> meter.getId().getTag("server.address"))
			.collect(Collectors.toSet());
		assertThat(addresses).containsExactlyInAnyOrder("host1.example", "host2.example", "host3.example",
				TransportMetrics.OTHER);
		Timer other = this.registry.get(TransportMetrics.WAIT_TIME)
			.tag("server.address", TransportMetrics.OTHER)
			.tag("server.port", TransportMetrics.OTHER)
			.timer();
		assertThat(other.count()).isEqualTo(7);
		assertThat(this.registry.get(TransportMetrics.CLOSED).tag("server.address", "other").counter().count())
			.isEqualTo(7);
	}

	@Test
	void destinationsThatDifferOnlyInTlsConfigurationShareTheirMeters() throws NoSuchAlgorithmException {
		Destination one = new Destination("https", "api.example.com", 443, null, SSLContext.getInstance("TLS"));
		Destination other = new Destination("https", "api.example.com", 443, null, SSLContext.getInstance("TLS"));
		assertThat(one).isNotEqualTo(other);
		this.metrics.connectionAcquired(connection(1, one), false, 1);
		this.metrics.connectionAcquired(connection(2, other), false, 1);
		assertThat(this.registry.get(TransportMetrics.WAIT_TIME).tag("url.scheme", "https").timers()).hasSize(1);
		assertThat(this.registry.get(TransportMetrics.WAIT_TIME).tag("url.scheme", "https").timer().count())
			.isEqualTo(2);
	}

	@Test
	void metersOfDestinationsSeenBeforeBindingAppearInEachRegistryBoundLater() {
		TransportMetrics unbound = new TransportMetrics("late", () -> null);
		unbound.dialStarted(API);
		MeterRegistry first = new SimpleMeterRegistry();
		MeterRegistry second = new SimpleMeterRegistry();
		unbound.bindTo(first);
		unbound.bindTo(second);
		assertThat(first.find(TransportMetrics.OPEN_CONNECTIONS).gauges()).hasSize(2);
		unbound.connectionAcquired(connection(1, API), false, 1);
		assertThat(first.get(TransportMetrics.WAIT_TIME).timer().count()).isEqualTo(1);
		assertThat(second.get(TransportMetrics.WAIT_TIME).timer().count()).isEqualTo(1);
	}

	@Test
	void gaugesReadZeroWhileTheTransportIsUnavailable() {
		TransportMetrics failing = new TransportMetrics("broken", () -> {
			throw new IllegalStateException("not yet");
		});
		failing.bindTo(this.registry);
		failing.waitingForConnection(API);
		assertThat(this.registry.get(TransportMetrics.PENDING_REQUESTS).tag("transport", "broken").gauge().value())
			.isZero();
	}

	@Test
	void negativeCapIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TransportMetrics("t", () -> null, -1))
			.withMessageContaining("max-destinations");
	}

	private Timer waitTime(String outcome) {
		return this.registry.get(TransportMetrics.WAIT_TIME).tag("outcome", outcome).timer();
	}

	private double closed(String reason) {
		return this.registry.get(TransportMetrics.CLOSED).tag("reason", reason).counter().count();
	}

	static ConnectionInfo connection(long id, Destination destination) {
		return new FakeConnection(id, destination);
	}

	private record FakeConnection(long id, Destination destination) implements ConnectionInfo {

		@Override
		public InetSocketAddress localAddress() {
			return new InetSocketAddress("127.0.0.1", 50000 + (int) this.id);
		}

		@Override
		public InetSocketAddress remoteAddress() {
			return InetSocketAddress.createUnresolved(this.destination.host(), this.destination.port());
		}

		@Override
		public long createdAtNanos() {
			return 0;
		}

		@Override
		public long requestCount() {
			return 1;
		}

		@Override
		public String tlsProtocol() {
			return null;
		}

		@Override
		public String cipherSuite() {
			return null;
		}

	}

}
