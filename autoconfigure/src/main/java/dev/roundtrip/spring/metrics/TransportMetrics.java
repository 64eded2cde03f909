package dev.roundtrip.spring.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.jspecify.annotations.Nullable;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.PoolStats;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportListener;
import dev.roundtrip.transport.TransportSettings;

/**
 * The connection-pool metrics of one {@link Transport}: a {@link MeterBinder} that is
 * also the transport's {@link TransportListener}. Build the transport with it as (part
 * of) its listener, then bind it to a registry:
 *
 * <pre>{@code
 * AtomicReference<Transport> ref = new AtomicReference<>();
 * TransportMetrics metrics = new TransportMetrics("api", ref::get);
 * Transport transport = Transport.builder().listener(metrics).build();
 * ref.set(transport);
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>
 * Meters, named after the OpenTelemetry HTTP client conventions where they exist and its
 * connection-pool conventions ({@code db.client.connection.*}) for the rest. Each carries
 * the tags {@code transport} (the name given here), {@code server.address},
 * {@code server.port} and {@code url.scheme}:
 * <ul>
 * <li>{@value #OPEN_CONNECTIONS} (gauge, {@code http.connection.state} = {@code active} |
 * {@code idle}): connections open now;
 * <li>{@value #PENDING_REQUESTS} (gauge): requests waiting for a connection;
 * <li>{@value #MAX} (gauge): the per-host limit, only where one is set;
 * <li>{@value #WAIT_TIME} (timer, {@code outcome} = {@code reused} | {@code new} |
 * {@code timeout} | {@code canceled} | {@code error} | {@code rejected}): from asking the
 * pool to holding a connection, or giving up;
 * <li>{@value #CREATE_TIME} (timer, {@code outcome} = {@code success} | {@code failure}):
 * TCP connect, TLS handshake and proxy tunnel;
 * <li>{@value #CLOSED} (counter, {@code reason} = a {@link CloseReason#tagValue()}): why
 * connections ended;
 * <li>{@value #DURATION} (timer): the lifetime of closed connections.
 * </ul>
 *
 * <p>
 * A destination gets its meters when it is first used. Only {@code maxDestinations}
 * distinct scheme, host and port triples get their own; the rest are counted together
 * under {@code server.address=other}, {@code server.port=other}, so a client calling many
 * hosts cannot flood the registry. The proxy and the TLS configuration are not tags:
 * destinations that differ only in those share their meters.
 *
 * <p>
 * The timers and the counter are fed by listener events, on the thread that does the
 * work: one map lookup and one record, no lock. The gauges read
 * {@link Transport#stats()}, which takes the pool's lock; one snapshot serves every gauge
 * read within {@value #SNAPSHOT_TTL_MILLIS} ms, so a scrape costs one snapshot, not one
 * per gauge. Meters are created in an internal {@link CompositeMeterRegistry} to which
 * {@link #bindTo} adds each registry: binding twice, or to several registries, works;
 * events before the first binding are not counted.
 */
public final class TransportMetrics implements MeterBinder, TransportListener {

	/** Connections open now, tagged {@code http.connection.state}. */
	public static final String OPEN_CONNECTIONS = "http.client.open_connections";

	/** Lifetime of closed connections. */
	public static final String DURATION = "http.client.connection.duration";

	/** Requests waiting for a connection. */
	public static final String PENDING_REQUESTS = "http.client.connection.pending_requests";

	/** Time from asking for a connection to holding one, tagged {@code outcome}. */
	public static final String WAIT_TIME = "http.client.connection.wait_time";

	/** Time to open a connection, tagged {@code outcome}. */
	public static final String CREATE_TIME = "http.client.connection.create_time";

	/** Connections closed, tagged {@code reason}. */
	public static final String CLOSED = "http.client.connection.closed";

	/** The per-host connection limit, where one is set. */
	public static final String MAX = "http.client.connection.max";

	/** Distinct destinations that get their own meters unless told otherwise. */
	public static final int DEFAULT_MAX_DESTINATIONS = 100;

	/**
	 * The {@code server.address} and {@code server.port} of destinations over the cap.
	 */
	public static final String OTHER = "other";

	static final long SNAPSHOT_TTL_MILLIS = 20;

	private static final long SNAPSHOT_TTL_NANOS = TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_TTL_MILLIS);

	private final String transportName;

	private final Supplier<@Nullable Transport> transportSupplier;

	private final int maxDestinations;

	private final LongSupplier nanoClock;

	private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

	/**
	 * The hot path's cache: a destination's meters in one lookup, without building its
	 * key. Bounded.
	 */
	private final ConcurrentMap<Destination, DestinationMeters> byDestination = new ConcurrentHashMap<>();

	private final int maxCachedDestinations;

	/**
	 * Meters by their tags: at most {@code maxDestinations} own entries, plus one
	 * {@code other} per scheme.
	 */
	private final ConcurrentMap<DestinationKey, DestinationMeters> byKey = new ConcurrentHashMap<>();

	/** Entries of {@link #byKey} that are not {@code other}. */
	private final AtomicInteger ownDestinations = new AtomicInteger();

	private volatile @Nullable Transport transport;

	private volatile @Nullable Snapshot snapshot;

	/**
	 * Metrics for the transport named {@code transportName}, with the default cap of
	 * {@value #DEFAULT_MAX_DESTINATIONS} destinations.
	 * @param transport the transport, asked for only when a gauge is read or a
	 * destination is first seen, so it may be built after this listener
	 */
	public TransportMetrics(String transportName, Supplier<@Nullable Transport> transport) {
		this(transportName, transport, DEFAULT_MAX_DESTINATIONS);
	}

	/**
	 * Metrics for the transport named {@code transportName}.
	 * @param transport the transport, asked for only when a gauge is read or a
	 * destination is first seen, so it may be built after this listener
	 * @param maxDestinations destinations that get their own meters; the rest are counted
	 * under {@code server.address=other}. 0 puts all there
	 */
	public TransportMetrics(String transportName, Supplier<@Nullable Transport> transport, int maxDestinations) {
		this(transportName, transport, maxDestinations, System::nanoTime);
	}

	TransportMetrics(String transportName, Supplier<@Nullable Transport> transport, int maxDestinations,
			LongSupplier nanoClock) {
		this.transportName = Objects.requireNonNull(transportName, "transportName");
		this.transportSupplier = Objects.requireNonNull(transport, "transport");
		if (maxDestinations < 0) {
			throw new IllegalArgumentException("max-destinations must be 0 or more, was " + maxDestinations);
		}
		this.maxDestinations = maxDestinations;
		this.maxCachedDestinations = Math.max(64, 4 * maxDestinations);
		this.nanoClock = nanoClock;
	}

	/** The value of every meter's {@code transport} tag. */
	public String transportName() {
		return this.transportName;
	}

	/**
	 * Adds {@code registry} to those the meters are registered in: the meters of
	 * destinations seen so far appear in it at once.
	 */
	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry.add(registry);
		Transport transport = transport();
		if (transport != null) {
			// Destinations seen before the transport could be asked for its limits.
			this.byKey.values().forEach((meters) -> meters.registerMax(transport.settings()));
		}
	}

	// Listener events: on the transport's threads, so no locks and no throwing.

	@Override
	public void waitingForConnection(Destination destination) {
		meters(destination);
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		meters(connection.destination()).waitTime(reused ? WaitOutcome.REUSED : WaitOutcome.NEW)
			.record(waitNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
		meters(destination).waitTime(WaitOutcome.of(outcome)).record(waitNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void dialStarted(Destination destination) {
		meters(destination);
	}

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		meters(connection.destination()).createTime(true).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
		meters(destination).createTime(false).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		DestinationMeters meters = meters(connection.destination());
		meters.closed(reason).increment();
		meters.duration().record(lifetimeNanos, TimeUnit.NANOSECONDS);
	}

	/** The meters of {@code destination}, created on first use. */
	private DestinationMeters meters(Destination destination) {
		DestinationMeters meters = this.byDestination.get(destination);
		return (meters != null) ? meters : register(destination);
	}

	private DestinationMeters register(Destination destination) {
		DestinationKey key = DestinationKey.of(destination);
		DestinationMeters meters = this.byKey.get(key);
		if (meters == null) {
			meters = this.byKey.computeIfAbsent(key,
					(k) -> claimOwnMeters() ? new DestinationMeters(this, k, destination.authority()) : null);
			if (meters == null) {
				meters = this.byKey.computeIfAbsent(DestinationKey.other(destination.scheme()),
						(k) -> new DestinationMeters(this, k, null));
			}
			else {
				Transport transport = transport();
				if (transport != null) {
					meters.registerMax(transport.settings());
				}
			}
		}
		// Approximate bound: a racing put or two past it is harmless.
		if (this.byDestination.size() < this.maxCachedDestinations) {
			this.byDestination.putIfAbsent(destination, meters);
		}
		return meters;
	}

	private boolean claimOwnMeters() {
		if (this.ownDestinations.incrementAndGet() <= this.maxDestinations) {
			return true;
		}
		this.ownDestinations.decrementAndGet();
		return false;
	}

	/**
	 * Meters of destinations already seen, for the gauges; {@code null} for one never
	 * seen.
	 */
	private @Nullable DestinationMeters existingMeters(Destination destination) {
		DestinationMeters meters = this.byDestination.get(destination);
		if (meters != null) {
			return meters;
		}
		meters = this.byKey.get(DestinationKey.of(destination));
		return (meters != null) ? meters : this.byKey.get(DestinationKey.other(destination.scheme()));
	}

	MeterRegistry registry() {
		return this.registry;
	}

	private @Nullable Transport transport() {
		Transport transport = this.transport;
		if (transport == null) {
			try {
				transport = this.transportSupplier.get();
			}
			catch (RuntimeException ex) {
				// Not available yet (still being created, or gone): try again next time.
				return null;
			}
			this.transport = transport;
		}
		return transport;
	}

	/**
	 * The pool counts behind the gauges, one snapshot per {@value #SNAPSHOT_TTL_MILLIS}
	 * ms.
	 */
	Snapshot snapshot() {
		long now = this.nanoClock.getAsLong();
		Snapshot snapshot = this.snapshot;
		if (snapshot != null && now - snapshot.takenAtNanos < SNAPSHOT_TTL_NANOS) {
			return snapshot;
		}
		Transport transport = transport();
		snapshot = (transport != null) ? new Snapshot(now, transport.stats(), this) : new Snapshot(now);
		this.snapshot = snapshot;
		return snapshot;
	}

	/**
	 * Why a request got or did not get a connection: the {@code outcome} tag of
	 * {@value #WAIT_TIME}.
	 */
	enum WaitOutcome {

		REUSED, NEW, TIMEOUT, CANCELED, ERROR, REJECTED;

		final String tagValue = name().toLowerCase(java.util.Locale.ROOT);

		static WaitOutcome of(AcquireFailure failure) {
			return switch (failure) {
				case TIMEOUT -> TIMEOUT;
				case CANCELED -> CANCELED;
				case ERROR -> ERROR;
				case REJECTED -> REJECTED;
			};
		}

	}

	/** The tags that tell destinations apart in the meters. */
	record DestinationKey(String scheme, String address, String port) {

		static DestinationKey of(Destination destination) {
			return new DestinationKey(destination.scheme(), destination.host(), Integer.toString(destination.port()));
		}

		static DestinationKey other(String scheme) {
			return new DestinationKey(scheme, OTHER, OTHER);
		}

	}

	/** Idle, active and waiting counts per meter set, from one {@link PoolStats}. */
	static final class Snapshot {

		private static final int[] NONE = new int[3];

		final long takenAtNanos;

		private final Map<DestinationMeters, int[]> counts;

		Snapshot(long takenAtNanos) {
			this.takenAtNanos = takenAtNanos;
			this.counts = Map.of();
		}

		Snapshot(long takenAtNanos, PoolStats stats, TransportMetrics metrics) {
			this.takenAtNanos = takenAtNanos;
			this.counts = new HashMap<>();
			for (PoolStats.DestinationStats destination : stats.destinations()) {
				DestinationMeters meters = metrics.existingMeters(destination.destination());
				if (meters != null) {
					int[] counts = this.counts.computeIfAbsent(meters, (m) -> new int[3]);
					counts[0] += destination.idle();
					counts[1] += destination.active();
					counts[2] += destination.waiting();
				}
			}
		}

		int idle(DestinationMeters meters) {
			return this.counts.getOrDefault(meters, NONE)[0];
		}

		int active(DestinationMeters meters) {
			return this.counts.getOrDefault(meters, NONE)[1];
		}

		int waiting(DestinationMeters meters) {
			return this.counts.getOrDefault(meters, NONE)[2];
		}

	}

	static int maxConnsPerHost(TransportSettings settings, String authority) {
		Integer override = settings.host(authority).maxConnsPerHost();
		return (override != null) ? override : settings.maxConnsPerHost();
	}

}
