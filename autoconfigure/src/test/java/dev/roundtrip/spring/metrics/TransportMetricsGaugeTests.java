package dev.roundtrip.spring.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.roundtrip.spring.testing.LoopbackServer;
import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gauges, read from a real transport's pool against a loopback server, and the one
 * snapshot per scrape behind them.
 */
class TransportMetricsGaugeTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong clock = new AtomicLong();

	private LoopbackServer server;

	private Transport transport;

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	@BeforeEach
	void startServer() throws IOException {
		this.server = new LoopbackServer();
	}

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
		if (this.transport != null) {
			this.transport.close();
		}
		this.server.close();
	}

	@Test
	void sequentialRequestsLeaveOneIdleConnection() throws IOException {
		TransportMetrics metrics = metrics(System::nanoTime, (builder) -> {
		});
		for (int i = 0; i < 5; i++) {
			get("/hello");
		}
		assertThat(open("idle").gauge().value()).isEqualTo(1);
		assertThat(open("active").gauge().value()).isZero();
		assertThat(this.registry.get(TransportMetrics.WAIT_TIME).tag("outcome", "reused").timer().count()).isEqualTo(4);
		assertThat(this.registry.get(TransportMetrics.CREATE_TIME).tag("outcome", "success").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.find(TransportMetrics.MAX).gauge()).as("no per-host limit set").isNull();
		assertThat(metrics.transportName()).isEqualTo("test");
	}

	@Test
	void requestInFlightIsActiveAndTheOneBehindItPending() throws Exception {
		metrics(System::nanoTime, (builder) -> builder.maxConnsPerHost(1));
		Future<String> slow = this.executor.submit(() -> get("/slow"));
		assertThat(this.server.awaitSlowRequest()).isTrue();
		Future<String> queued = this.executor.submit(() -> get("/hello"));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.registry.get(TransportMetrics.PENDING_REQUESTS).gauge().value()).isEqualTo(1);
			assertThat(open("active").gauge().value()).isEqualTo(1);
		});
		assertThat(this.registry.get(TransportMetrics.MAX).gauge().value()).isEqualTo(1);
		this.server.release();
		assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slow");
		assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("Hello");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(this.registry.get(TransportMetrics.PENDING_REQUESTS).gauge().value()).isZero();
			assertThat(open("idle").gauge().value()).isEqualTo(1);
		});
	}

	@Test
	void perHostLimitComesFromTheHostOverrides() throws IOException {
		metrics(System::nanoTime, (builder) -> builder.host("127.0.0.1:" + this.server.port(),
				HostSettings.INHERIT.withMaxConnsPerHost(4)));
		get("/hello");
		assertThat(this.registry.get(TransportMetrics.MAX).tag("server.address", "127.0.0.1").gauge().value())
			.isEqualTo(4);
	}

	@Test
	void oneSnapshotServesEveryGaugeReadWithinItsLifetime() throws IOException {
		metrics(this.clock::get, (builder) -> {
		});
		get("/hello");
		assertThat(open("idle").gauge().value()).isEqualTo(1);
		this.transport.closeIdleConnections();
		assertThat(open("idle").gauge().value()).as("same snapshot").isEqualTo(1);
		assertThat(open("active").gauge().value()).as("same snapshot").isZero();
		this.clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(TransportMetrics.SNAPSHOT_TTL_MILLIS));
		assertThat(open("idle").gauge().value()).as("fresh snapshot").isZero();
	}

	@Test
	void idleConnectionsClosedByTheTransportAreCountedWithTheirReason() throws IOException {
		metrics(System::nanoTime, (builder) -> {
		});
		get("/hello");
		this.transport.closeIdleConnections();
		assertThat(this.registry.get(TransportMetrics.CLOSED).tag("reason", "close_idle").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get(TransportMetrics.DURATION).timer().count()).isEqualTo(1);
	}

	private TransportMetrics metrics(java.util.function.LongSupplier clock, Consumer<Transport.Builder> settings) {
		AtomicReference<Transport> ref = new AtomicReference<>();
		TransportMetrics metrics = new TransportMetrics("test", ref::get, 100, clock);
		Transport.Builder builder = Transport.builder().listener(metrics);
		settings.accept(builder);
		this.transport = builder.build();
		ref.set(this.transport);
		metrics.bindTo(this.registry);
		return metrics;
	}

	private RequiredSearch open(String state) {
		return this.registry.get(TransportMetrics.OPEN_CONNECTIONS)
			.tag("transport", "test")
			.tag("http.connection.state", state);
	}

	private String get(String path) throws IOException {
		try (Response response = this.transport.roundTrip(Request.get(this.server.uri(path)))) {
			return new String(response.body().readAllBytes());
		}
	}

}
