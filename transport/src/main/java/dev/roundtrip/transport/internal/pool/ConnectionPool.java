package dev.roundtrip.transport.internal.pool;

import java.util.function.Predicate;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.PoolStats;

/** STUB: being written. */
public final class ConnectionPool {

	public void closeIdle(Predicate<Destination> destinations) {
	}

	public PoolStats stats() {
		throw new UnsupportedOperationException("not yet");
	}

}
