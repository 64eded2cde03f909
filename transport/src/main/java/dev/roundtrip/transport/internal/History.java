package dev.roundtrip.transport.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.DestinationHistory;
import dev.roundtrip.transport.TransportListener;

/**
 * Counts, per destination, connections opened and closed (by reason) and the requests
 * they carried, and remembers a destination for {@link DestinationHistory#RETENTION}
 * after its last connection closed. Fed by connection events only (a dial, a close),
 * never per request, so it costs nothing on the request path.
 */
final class History implements TransportListener {

	/** Beyond this many, the destinations empty the longest are forgotten first. */
	private static final int MAX_DESTINATIONS = 1000;

	private static final CloseReason[] REASONS = CloseReason.values();

	private final TransportListener delegate;

	private final LongSupplier wallClockMillis;

	private final Map<Destination, Entry> entries = new ConcurrentHashMap<>();

	History(TransportListener delegate, LongSupplier wallClockMillis) {
		this.delegate = delegate;
		this.wallClockMillis = wallClockMillis;
	}

	@Override
	public void waitingForConnection(Destination destination) {
		this.delegate.waitingForConnection(destination);
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		this.delegate.connectionAcquired(connection, reused, waitNanos);
	}

	@Override
	public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
		this.delegate.connectionAcquireFailed(destination, outcome, waitNanos);
	}

	@Override
	public void dialStarted(Destination destination) {
		this.delegate.dialStarted(destination);
	}

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		if (this.entries.size() >= MAX_DESTINATIONS) {
			forget(this.wallClockMillis.getAsLong());
		}
		this.entries.computeIfAbsent(connection.destination(), (destination) -> new Entry()).opened.incrementAndGet();
		this.delegate.dialSucceeded(connection, durationNanos);
	}

	@Override
	public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
		this.delegate.dialFailed(destination, failure, durationNanos);
	}

	@Override
	public void connectionIdle(ConnectionInfo connection) {
		this.delegate.connectionIdle(connection);
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		Entry entry = this.entries.computeIfAbsent(connection.destination(), (destination) -> new Entry());
		entry.requests.addAndGet(connection.requestCount());
		entry.closed.incrementAndGet(reason.ordinal());
		if (entry.closedTotal.incrementAndGet() >= entry.opened.get()) {
			entry.emptySinceMillis = this.wallClockMillis.getAsLong();
		}
		this.delegate.connectionClosed(connection, reason, lifetimeNanos);
	}

	@Override
	public void responseReceived(ConnectionInfo connection, String method, String target, int status) {
		this.delegate.responseReceived(connection, method, target, status);
	}

	/** What is remembered now; forgets what is past its retention first. */
	List<DestinationHistory> snapshot() {
		long now = this.wallClockMillis.getAsLong();
		long retention = DestinationHistory.RETENTION.toMillis();
		forget(now);
		List<DestinationHistory> histories = new ArrayList<>(this.entries.size());
		this.entries.forEach((destination, entry) -> {
			Map<CloseReason, Long> closed = new EnumMap<>(CloseReason.class);
			for (CloseReason reason : REASONS) {
				long count = entry.closed.get(reason.ordinal());
				if (count > 0) {
					closed.put(reason, count);
				}
			}
			boolean empty = entry.isEmpty();
			histories.add(new DestinationHistory(destination, entry.opened.get(), closed, entry.requests.get(),
					empty ? Instant.ofEpochMilli(entry.emptySinceMillis) : null,
					empty ? Instant.ofEpochMilli(entry.emptySinceMillis + retention) : null));
		});
		return histories;
	}

	/**
	 * Forgets the destinations empty for longer than the retention, then, above
	 * {@link #MAX_DESTINATIONS}, those empty the longest.
	 */
	private void forget(long now) {
		long retention = DestinationHistory.RETENTION.toMillis();
		this.entries.entrySet()
			.removeIf((e) -> e.getValue().isEmpty() && now - e.getValue().emptySinceMillis > retention);
		if (this.entries.size() > MAX_DESTINATIONS) {
			this.entries.entrySet()
				.stream()
				.filter((e) -> e.getValue().isEmpty())
				.sorted((a, b) -> Long.compare(a.getValue().emptySinceMillis, b.getValue().emptySinceMillis))
				.limit(this.entries.size() - MAX_DESTINATIONS)
				.toList()
				.forEach((e) -> this.entries.remove(e.getKey(), e.getValue()));
		}
	}

	private static final class Entry {

		final AtomicLong opened = new AtomicLong();

		final AtomicLong closedTotal = new AtomicLong();

		final AtomicLongArray closed = new AtomicLongArray(REASONS.length);

		final AtomicLong requests = new AtomicLong();

		/** When the last open connection closed, on the wall clock. */
		volatile long emptySinceMillis;

		boolean isEmpty() {
			return this.closedTotal.get() >= this.opened.get();
		}

	}

}
