package dev.roundtrip.spring.integration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.TransportListener;

/** The transport's view: connections dialed, reused, and closed by reason. */
public class ClientConnections implements TransportListener {

	private final AtomicInteger dialed = new AtomicInteger();

	private final AtomicInteger reused = new AtomicInteger();

	private final Map<CloseReason, AtomicInteger> closed = new ConcurrentHashMap<>();

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		this.dialed.incrementAndGet();
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		if (reused) {
			this.reused.incrementAndGet();
		}
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		this.closed.computeIfAbsent(reason, (r) -> new AtomicInteger()).incrementAndGet();
	}

	public int dialed() {
		return this.dialed.get();
	}

	public int reused() {
		return this.reused.get();
	}

	public int closed(CloseReason reason) {
		AtomicInteger count = this.closed.get(reason);
		return (count != null) ? count.get() : 0;
	}

	public void reset() {
		this.dialed.set(0);
		this.reused.set(0);
		this.closed.clear();
	}

}
