package dev.roundtrip.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of the pool: totals, and per destination its limits, counts and
 * connections. Taken under the pool's lock, so the numbers agree with each other.
 *
 * @param idle idle connections over all destinations
 * @param active connections carrying an exchange
 * @param dialing dials in progress
 * @param waiting requests waiting for a connection
 * @param destinations every destination that has a connection, a dial or a waiter
 */
public record PoolStats(int idle, int active, int dialing, int waiting, List<DestinationStats> destinations) {

	public PoolStats {
		destinations = List.copyOf(destinations);
	}

	/** The stats of one destination, or {@code null} if it has nothing in the pool. */
	public @Nullable DestinationStats destination(Destination destination) {
		for (DestinationStats stats : this.destinations) {
			if (stats.destination().equals(destination)) {
				return stats;
			}
		}
		return null;
	}

	/** Connections open now: idle and active (not dials in progress). */
	public int open() {
		return this.idle + this.active;
	}

	/**
	 * One destination's part of the pool.
	 *
	 * @param maxConnsPerHost the limit in force, 0 for none
	 * @param maxIdleConnsPerHost the idle cap in force; negative means no pooling
	 * @param minIdleConns the connections kept open warm ({@code min-idle-conns}); 0 for
	 * none
	 */
	public record DestinationStats(Destination destination, int maxConnsPerHost, int maxIdleConnsPerHost,
			int minIdleConns, int idle, int active, int dialing, int waiting, List<ConnectionStats> connections) {

		public DestinationStats {
			connections = List.copyOf(connections);
		}

	}

	/**
	 * One open connection.
	 *
	 * @param state {@code idle} or {@code active}
	 * @param idleTime how long it has been idle; zero when active
	 * @param requests exchanges carried so far
	 * @param tlsProtocol {@code null} for plain HTTP
	 * @param cipherSuite {@code null} for plain HTTP
	 * @param localAddress {@code null} over a unix socket
	 * @param remoteAddress {@code null} over a unix socket
	 */
	public record ConnectionStats(long id, String state, @Nullable InetSocketAddress localAddress,
			@Nullable InetSocketAddress remoteAddress, Duration age, Duration idleTime, long requests,
			@Nullable String tlsProtocol, @Nullable String cipherSuite) {

	}

}
