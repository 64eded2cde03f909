package dev.roundtrip.samples.demo;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.TransportListener;

/** The client's side of one case: connections dialed, and closed by reason. */
class CaseListener implements TransportListener {

	private final AtomicInteger dialed = new AtomicInteger();

	private final Map<CloseReason, AtomicInteger> closed = new ConcurrentHashMap<>();

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		this.dialed.incrementAndGet();
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		this.closed.computeIfAbsent(reason, (key) -> new AtomicInteger()).incrementAndGet();
	}

	int dialed() {
		return this.dialed.get();
	}

	int closed(CloseReason reason) {
		AtomicInteger count = this.closed.get(reason);
		return (count != null) ? count.get() : 0;
	}

	Map<CloseReason, Integer> closed() {
		Map<CloseReason, Integer> snapshot = new EnumMap<>(CloseReason.class);
		this.closed.forEach((reason, count) -> snapshot.put(reason, count.get()));
		return snapshot;
	}

}
