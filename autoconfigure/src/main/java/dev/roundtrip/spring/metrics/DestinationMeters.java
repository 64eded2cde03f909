package dev.roundtrip.spring.metrics;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.roundtrip.spring.metrics.TransportMetrics.DestinationKey;
import dev.roundtrip.spring.metrics.TransportMetrics.WaitOutcome;
import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.TransportSettings;

/**
 * The meters of one destination (or of all destinations over the cap, for one scheme).
 * The gauges are registered at once; the timers and counters on their first event, so
 * only what happened shows, and each is looked up once and kept. Two threads racing to
 * create one get the same meter back from the registry.
 */
final class DestinationMeters {

	private final TransportMetrics metrics;

	private final Tags tags;

	/**
	 * {@code host:port} for the per-host limit; {@code null} for the {@code other}
	 * meters, which have none.
	 */
	private final @Nullable String authority;

	private final AtomicReferenceArray<Timer> waitTimes = new AtomicReferenceArray<>(WaitOutcome.values().length);

	private final AtomicReferenceArray<Timer> createTimes = new AtomicReferenceArray<>(2);

	private final AtomicReferenceArray<Counter> closed = new AtomicReferenceArray<>(CloseReason.values().length);

	private volatile @Nullable Timer duration;

	private final AtomicBoolean maxRegistered = new AtomicBoolean();

	private volatile int max;

	DestinationMeters(TransportMetrics metrics, DestinationKey key, @Nullable String authority) {
		this.metrics = metrics;
		this.authority = authority;
		this.tags = Tags.of("transport", metrics.transportName(), "server.address", key.address(), "server.port",
				key.port(), "url.scheme", key.scheme());
		// The gauges hold this object weakly; the metrics' map holds it for good.
		Gauge.builder(TransportMetrics.OPEN_CONNECTIONS, this, (m) -> m.metrics.snapshot().active(m))
			.description("Connections open now: active ones carry an exchange, idle ones wait in the pool")
			.tags(this.tags)
			.tag("http.connection.state", "active")
			.register(metrics.registry());
		Gauge.builder(TransportMetrics.OPEN_CONNECTIONS, this, (m) -> m.metrics.snapshot().idle(m))
			.description("Connections open now: active ones carry an exchange, idle ones wait in the pool")
			.tags(this.tags)
			.tag("http.connection.state", "idle")
			.register(metrics.registry());
		Gauge.builder(TransportMetrics.PENDING_REQUESTS, this, (m) -> m.metrics.snapshot().waiting(m))
			.description("Requests waiting for a connection")
			.tags(this.tags)
			.register(metrics.registry());
	}

	/** Registers the limit gauge once, if this destination has a per-host limit. */
	void registerMax(TransportSettings settings) {
		if (this.authority == null) {
			return;
		}
		int max = TransportMetrics.maxConnsPerHost(settings, this.authority);
		if (max > 0 && this.maxRegistered.compareAndSet(false, true)) {
			this.max = max;
			Gauge.builder(TransportMetrics.MAX, this, (m) -> m.max)
				.description("Connections allowed per host, counting dials, active and idle ones (max-conns-per-host)")
				.tags(this.tags)
				.register(this.metrics.registry());
		}
	}

	Timer waitTime(WaitOutcome outcome) {
		Timer timer = this.waitTimes.get(outcome.ordinal());
		if (timer == null) {
			timer = Timer.builder(TransportMetrics.WAIT_TIME)
				.description("Time from asking the pool for a connection to holding one, or giving up")
				.tags(this.tags)
				.tag("outcome", outcome.tagValue)
				.register(this.metrics.registry());
			this.waitTimes.set(outcome.ordinal(), timer);
		}
		return timer;
	}

	Timer createTime(boolean success) {
		int index = success ? 0 : 1;
		Timer timer = this.createTimes.get(index);
		if (timer == null) {
			timer = Timer.builder(TransportMetrics.CREATE_TIME)
				.description("Time to open a connection: TCP connect, proxy tunnel and TLS handshake")
				.tags(this.tags)
				.tag("outcome", success ? "success" : "failure")
				.register(this.metrics.registry());
			this.createTimes.set(index, timer);
		}
		return timer;
	}

	Counter closed(CloseReason reason) {
		Counter counter = this.closed.get(reason.ordinal());
		if (counter == null) {
			counter = Counter.builder(TransportMetrics.CLOSED)
				.description("Connections closed, by reason")
				.tags(this.tags)
				.tag("reason", reason.tagValue())
				.register(this.metrics.registry());
			this.closed.set(reason.ordinal(), counter);
		}
		return counter;
	}

	Timer duration() {
		Timer timer = this.duration;
		if (timer == null) {
			timer = Timer.builder(TransportMetrics.DURATION)
				.description("How long connections lived, from established to closed")
				.tags(this.tags)
				.register(this.metrics.registry());
			this.duration = timer;
		}
		return timer;
	}

}
