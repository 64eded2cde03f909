package dev.roundtrip.transport;

import java.time.Instant;
import java.util.Map;

/**
 * What a transport remembers of a destination's connections, including after the last one
 * closed: the pool itself keeps a destination only while it has a connection, a dial or a
 * waiting request, so without this an emptied destination would vanish from view with its
 * story. A destination with no connection left is remembered for {@link #RETENTION}, then
 * forgotten.
 *
 * @param destination the destination
 * @param opened connections dialed to it
 * @param closedByReason connections closed, by reason
 * @param requests exchanges carried by its connections that have closed
 * @param emptySince when its last open connection closed; {@code null} while one is open
 * @param forgetAt when it will be forgotten if no connection is opened meanwhile;
 * {@code null} while one is open
 */
public record DestinationHistory(Destination destination, long opened, Map<CloseReason, Long> closedByReason,
		long requests, Instant emptySince, Instant forgetAt) {

	/** How long a destination with no connection left is remembered. */
	public static final java.time.Duration RETENTION = java.time.Duration.ofMinutes(10);

	public DestinationHistory {
		closedByReason = Map.copyOf(closedByReason);
	}

	/** Connections closed, for every reason. */
	public long closed() {
		return this.closedByReason.values().stream().mapToLong(Long::longValue).sum();
	}

}
